using Tessera.Cards.Catalog;

namespace Tessera.Cards.Status;

/// <summary>Where an organization's card pipeline stands: the catalog, its image URLs per size, the downloads, the recent imports.</summary>
internal sealed record CardsStatus(
    long Cards, IReadOnlyList<SizeCount> Images, long Downloaded, long DownloadedBytes, long Failed,
    IReadOnlyDictionary<string, long> FailedByReason, IReadOnlyList<ImportReport> Imports);

/// <summary>Distinct image URLs of one size.</summary>
internal sealed record SizeCount(string Size, long Urls);
