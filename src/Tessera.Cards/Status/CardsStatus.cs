using Tessera.Cards.Catalog;

namespace Tessera.Cards.Status;

/// <summary>
/// Where an organization's card pipeline stands: the catalog, its image URLs per size, the downloads, the recent
/// imports, the embeddings per model and the index of the model searches use.
/// </summary>
internal sealed record CardsStatus(
    long Cards, IReadOnlyList<SizeCount> Images, long Downloaded, long DownloadedBytes, long Failed,
    IReadOnlyDictionary<string, long> FailedByReason, IReadOnlyList<ImportReport> Imports, IReadOnlyList<ModelCount> Embeddings, IndexState? Index);

/// <summary>Vectors stored with one image model.</summary>
internal sealed record ModelCount(string Model, string ModelHash, long Vectors);

/// <summary>The last build of the searched model's index (from its manifest) and whether the catalog still matches it.</summary>
internal sealed record IndexState(string Model, int Vectors, int M, int EfConstruction, DateTimeOffset BuiltAt, bool Aligned, long NewSinceBuild);

/// <summary>Distinct image URLs of one size.</summary>
internal sealed record SizeCount(string Size, long Urls);
