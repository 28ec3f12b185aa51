using Tessera.Cards.Catalog;
using Tessera.Cards.Status;

namespace Tessera.Cards.Api;

/// <summary>Import a catalog from an http(s) URL to a Scryfall bulk-data file (the server never reads a path a caller names).</summary>
internal sealed record CardsImportRequest(string? Url);

/// <summary>Download the catalog's images of one size; every field is optional (see <c>tessera cards download --help</c> for the defaults).</summary>
internal sealed record CardsDownloadRequest(string? Size = null, int? Workers = null, int? Limit = null, bool? Revalidate = null);

/// <summary>Embed the downloaded images; every field is optional (see <c>tessera cards embed --help</c> for the defaults).</summary>
internal sealed record CardsEmbedRequest(string? Size = null, string? Model = null, int? BatchSize = null, int? CheckpointEvery = null, int? Limit = null);

/// <summary>Rebuild the card index; every field is optional (M 32, efConstruction 200, the latest embedding's model).</summary>
internal sealed record CardsBuildRequest(string? Model = null, int? M = null, int? EfConstruction = null);

internal sealed record CardsImport(
    Guid Id, string Source, string State, int Cards, int Added, int Changed, int Unchanged, int Removed, int Invalid, string? Error,
    DateTimeOffset StartedAt, DateTimeOffset? FinishedAt)
{
    public static CardsImport From(ImportReport r) =>
        new(r.Id, r.Source, r.State, r.Cards, r.Added, r.Changed, r.Unchanged, r.Removed, r.Invalid, r.Error, r.StartedAt, r.FinishedAt);
}

internal sealed record CardsImageCount(string Size, long Urls);

internal sealed record CardsStatusResponse(
    long Cards, IReadOnlyList<CardsImageCount> Images, long Downloaded, long DownloadedBytes, long Failed,
    IReadOnlyDictionary<string, long> FailedByReason, IReadOnlyList<CardsImport> Imports, IReadOnlyList<ModelCount> Embeddings, IndexState? Index)
{
    public static CardsStatusResponse From(CardsStatus s) =>
        new(s.Cards, [.. s.Images.Select(i => new CardsImageCount(i.Size, i.Urls))], s.Downloaded, s.DownloadedBytes, s.Failed, s.FailedByReason,
            [.. s.Imports.Select(CardsImport.From)], s.Embeddings, s.Index);
}
