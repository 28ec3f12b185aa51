using Tessera.Cards.Catalog;
using Tessera.Cards.Status;

namespace Tessera.Cards.Api;

/// <summary>Import a catalog from an http(s) URL to a Scryfall bulk-data file (the server never reads a path a caller names).</summary>
internal sealed record CardsImportRequest(string? Url);

/// <summary>Download the catalog's images of one size; every field is optional (see <c>tessera cards download --help</c> for the defaults).</summary>
internal sealed record CardsDownloadRequest(string? Size = null, int? Workers = null, int? Limit = null, bool? Revalidate = null);

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
    IReadOnlyDictionary<string, long> FailedByReason, IReadOnlyList<CardsImport> Imports)
{
    public static CardsStatusResponse From(CardsStatus s) =>
        new(s.Cards, [.. s.Images.Select(i => new CardsImageCount(i.Size, i.Urls))], s.Downloaded, s.DownloadedBytes, s.Failed, s.FailedByReason,
            [.. s.Imports.Select(CardsImport.From)]);
}
