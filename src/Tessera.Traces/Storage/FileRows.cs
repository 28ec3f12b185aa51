using System.Data.Common;
using Dapper;

namespace Tessera.Traces.Storage;

/// <summary>The SQL of the files a source has seen and how far each was read.</summary>
internal static class FileRows
{
    private const string Columns =
        "source_id AS SourceId, path AS Path, format AS Format, state AS State, size_bytes AS SizeBytes, modified_at AS ModifiedAt, bytes_read AS BytesRead, " +
        "lines_read AS LinesRead, record_count AS RecordCount, skipped_lines AS SkippedLines, problems AS Problems, first_seen_at AS FirstSeenAt, processed_at AS ProcessedAt";

    public static async Task<Dictionary<string, TraceFileRow>> ListAsync(DbConnection c, Guid sourceId, CancellationToken ct) =>
        (await c.QueryAsync<TraceFileRow>(new CommandDefinition(
            $"SELECT {Columns} FROM traces_files WHERE source_id = @sourceId", new { sourceId }, cancellationToken: ct)).ConfigureAwait(false))
        .ToDictionary(f => f.Path, StringComparer.Ordinal);

    /// <summary>Inserts or replaces the file's row (first_seen_at is kept from the first time).</summary>
    public static Task UpsertAsync(DbConnection c, DbTransaction t, TraceFileRow f, CancellationToken ct) =>
        c.ExecuteAsync(new CommandDefinition(
            "INSERT INTO traces_files (source_id, path, format, state, size_bytes, modified_at, bytes_read, lines_read, record_count, skipped_lines, problems, first_seen_at, processed_at) " +
            "VALUES (@SourceId, @Path, @Format, @State, @SizeBytes, @ModifiedAt, @BytesRead, @LinesRead, @RecordCount, @SkippedLines, @Problems, @FirstSeenAt, @ProcessedAt) " +
            "ON CONFLICT (source_id, path) DO UPDATE SET format = excluded.format, state = excluded.state, size_bytes = excluded.size_bytes, " +
            "modified_at = excluded.modified_at, bytes_read = excluded.bytes_read, lines_read = excluded.lines_read, record_count = excluded.record_count, " +
            "skipped_lines = excluded.skipped_lines, problems = excluded.problems, processed_at = excluded.processed_at",
            f, t, cancellationToken: ct));

    /// <summary>Per source of the organization: files by state and problems counted, for health.</summary>
    public static async Task<IReadOnlyList<SourceFileCounts>> CountsAsync(DbConnection c, Guid orgId, CancellationToken ct) =>
        (await c.QueryAsync<SourceFileCounts>(new CommandDefinition(
            "SELECT f.source_id AS SourceId, " +
            "SUM(CASE WHEN f.state = 'processed' THEN 1 ELSE 0 END) AS Processed, " +
            "SUM(CASE WHEN f.state = 'incomplete' THEN 1 ELSE 0 END) AS Incomplete, " +
            "SUM(CASE WHEN f.state = 'failed' THEN 1 ELSE 0 END) AS Failed, " +
            "SUM(f.record_count) AS Records, SUM(f.skipped_lines) AS Problems, MAX(f.processed_at) AS LastProcessedAt " +
            "FROM traces_files f JOIN traces_sources s ON s.id = f.source_id WHERE s.org_id = @orgId GROUP BY f.source_id",
            new { orgId }, cancellationToken: ct)).ConfigureAwait(false)).ToList();

    /// <summary>The files of an organization's source that reported problems, newest first.</summary>
    public static async Task<IReadOnlyList<TraceFileRow>> WithProblemsAsync(DbConnection c, Guid orgId, Guid sourceId, CancellationToken ct) =>
        (await c.QueryAsync<TraceFileRow>(new CommandDefinition(
            $"SELECT {Columns} FROM traces_files WHERE source_id = @sourceId AND skipped_lines > 0 " +
            "AND source_id IN (SELECT id FROM traces_sources WHERE org_id = @orgId) ORDER BY path",
            new { orgId, sourceId }, cancellationToken: ct)).ConfigureAwait(false)).ToList();

    internal sealed record SourceFileCounts
    {
        public Guid SourceId { get; init; }
        public long Processed { get; init; }
        public long Incomplete { get; init; }
        public long Failed { get; init; }
        public long Records { get; init; }
        public long Problems { get; init; }
        public DateTimeOffset? LastProcessedAt { get; init; }
    }
}
