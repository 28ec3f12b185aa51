namespace Tessera.Cards.Download;

/// <summary>One image URL to fetch, with the validators its last download recorded (for a revalidating run).</summary>
/// <param name="Url">As the catalog stores it (the key of its download record).</param>
/// <param name="FileName">Relative to the organization's image folder.</param>
/// <param name="ETag">The validator its last download recorded.</param>
/// <param name="LastModified">The date its last download recorded.</param>
internal sealed record ImageWork(string Url, string FileName, string? ETag, DateTimeOffset? LastModified)
{
    public Uri Uri { get; } = new(Url, UriKind.Absolute);
}
