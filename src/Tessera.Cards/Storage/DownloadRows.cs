using System.Data.Common;
using Dapper;
using Tessera.Cards.Download;
using Tessera.Data;

namespace Tessera.Cards.Storage;

/// <summary>The SQL of downloads: which image URLs a run fetches, and what each URL's last fetch recorded. Every statement names the organization.</summary>
internal static class DownloadRows
{
    private static readonly string[] Columns =
        ["org_id", "url", "file_name", "state", "reason", "http_status", "etag", "last_modified", "bytes", "sha256", "attempts", "updated_at"];

    /// <summary>Distinct image URLs of <paramref name="size"/> in the organization's catalog.</summary>
    public static Task<long> CountUrlsAsync(DbConnection c, Guid orgId, string size, CancellationToken ct) =>
        c.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(DISTINCT url) FROM cards_images WHERE org_id = @orgId AND size = @size", new { orgId, size }, cancellationToken: ct));

    /// <summary>The next <paramref name="limit"/> distinct URLs after <paramref name="after"/> (in URL order), with what their last download recorded.</summary>
    public static async Task<IReadOnlyList<UrlRow>> PageAsync(DbConnection c, Guid orgId, string size, string after, int limit, CancellationToken ct) =>
        (await c.QueryAsync<UrlRow>(new CommandDefinition(
            "SELECT i.url AS Url, MAX(d.etag) AS ETag, MAX(d.last_modified) AS LastModified FROM cards_images i " +
            "LEFT JOIN cards_downloads d ON d.org_id = i.org_id AND d.url = i.url AND d.state = 'done' " +
            "WHERE i.org_id = @orgId AND i.size = @size AND i.url > @after GROUP BY i.url ORDER BY i.url LIMIT @limit",
            new { orgId, size, after, limit }, cancellationToken: ct)).ConfigureAwait(false)).ToList();

    /// <summary>Records fetched and failed URLs (one statement per chunk); a later record of a URL replaces the earlier one.</summary>
    public static Task<int> RecordAsync(DbConnection c, DbTransaction t, Guid orgId, IReadOnlyList<ImageOutcome> outcomes, DateTimeOffset now, CancellationToken ct) =>
        BulkInsert.ExecuteAsync(c, t, "cards_downloads", Columns, outcomes,
            o => [orgId, o.Work.Url, o.Work.FileName, o.Kind == ImageOutcomeKind.Failed ? "failed" : "done", o.Reason, o.HttpStatus, o.ETag, o.LastModified,
                  o.Bytes, o.Sha256, o.Attempts, now],
            "ON CONFLICT (org_id, url) DO UPDATE SET file_name = excluded.file_name, state = excluded.state, reason = excluded.reason, " +
            "http_status = excluded.http_status, etag = excluded.etag, last_modified = excluded.last_modified, bytes = excluded.bytes, " +
            "sha256 = excluded.sha256, attempts = excluded.attempts, updated_at = excluded.updated_at",
            ct);

    /// <summary>The organization's recorded downloads by state and, for failures, by reason.</summary>
    public static async Task<IReadOnlyList<StateCount>> CountsAsync(DbConnection c, Guid orgId, CancellationToken ct) =>
        (await c.QueryAsync<StateCount>(new CommandDefinition(
            "SELECT state AS State, reason AS Reason, COUNT(*) AS Urls, SUM(bytes) AS Bytes FROM cards_downloads WHERE org_id = @orgId " +
            "GROUP BY state, reason ORDER BY state, reason", new { orgId }, cancellationToken: ct)).ConfigureAwait(false)).ToList();

    /// <summary>The URL each of the organization's recorded files was downloaded from.</summary>
    public static async Task<Dictionary<string, string>> UrlsByFileAsync(DbConnection c, Guid orgId, CancellationToken ct) =>
        (await c.QueryAsync<(string File, string Url)>(new CommandDefinition(
            "SELECT file_name, url FROM cards_downloads WHERE org_id = @orgId", new { orgId }, cancellationToken: ct)).ConfigureAwait(false))
        .GroupBy(r => r.File, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().Url, StringComparer.Ordinal);

    /// <summary>Records the files validation removed as failed downloads with their reason, so the next download fetches them again.</summary>
    public static async Task MarkInvalidAsync(
        DbConnection c, DbTransaction t, SqlDialect dialect, Guid orgId, IEnumerable<(string File, string Reason)> files, DateTimeOffset now, CancellationToken ct)
    {
        foreach (var group in files.GroupBy(f => f.Reason, StringComparer.Ordinal))
        {
            await c.ExecuteAsync(new CommandDefinition(
                $"UPDATE cards_downloads SET state = 'failed', reason = @reason, updated_at = @now WHERE org_id = @orgId AND {dialect.InList("file_name", "files")}",
                new { orgId, reason = "invalid_" + group.Key, now, files = dialect.ListValue(group.Select(f => f.File)) }, t, cancellationToken: ct)).ConfigureAwait(false);
        }
    }

    internal sealed record UrlRow
    {
        public string Url { get; init; } = "";
        public string? ETag { get; init; }
        public DateTimeOffset? LastModified { get; init; }
    }

    internal sealed record StateCount
    {
        public string State { get; init; } = "";
        public string? Reason { get; init; }
        public long Urls { get; init; }
        public long Bytes { get; init; }
    }
}
