using System.Data.Common;
using Dapper;
using Tessera.Data;
using Tessera.Traces.Storage;

namespace Tessera.Traces.Points;

/// <summary>
/// The SQL the map page and its points endpoint run over traces_points and traces_records. Every read names the
/// organization in its WHERE clause: someone else's point or record is simply not found.
/// </summary>
internal static class TracesPointRows
{
    private const string RecordColumns =
        "r.seq AS Seq, r.id AS Id, r.source_id AS SourceId, s.name AS SourceName, r.file_path AS FilePath, r.line AS Line, r.iteration AS Iteration, " +
        "r.idx_in_iteration AS IdxInIteration, r.type AS Type, r.text AS Text, r.timestamp AS Timestamp";

    private const string RecordFrom = " FROM traces_records r JOIN traces_sources s ON s.id = r.source_id AND s.org_id = r.org_id";

    /// <summary>What the map's version tag is made of: one aggregate, cheap enough to answer every poll.</summary>
    public static Task<MapState> StateAsync(DbConnection c, Guid orgId, CancellationToken ct) =>
        c.QuerySingleAsync<MapState>(new CommandDefinition(
            "SELECT COUNT(*) AS Count, COALESCE(MAX(record_seq), 0) AS MaxSeq, COALESCE(MAX(version), 0) AS Version FROM traces_points WHERE org_id = @orgId",
            new { orgId }, cancellationToken: ct));

    /// <summary>Every point of the organization's map with the columns the page colours by, in record order, streamed.</summary>
    public static IAsyncEnumerable<PointRow> ReadPoints(DbConnection c, Guid orgId) =>
        c.QueryUnbufferedAsync<PointRow>(
            "SELECT p.record_seq AS Seq, p.x AS X, p.y AS Y, p.version AS Version, r.type AS Type, r.source_id AS SourceId, r.file_path AS FilePath " +
            "FROM traces_points p JOIN traces_records r ON r.seq = p.record_seq AND r.org_id = p.org_id WHERE p.org_id = @orgId ORDER BY p.record_seq",
            new { orgId });

    /// <summary>The organization's sources by id, for the names the page shows.</summary>
    public static async Task<Dictionary<Guid, string>> SourceNamesAsync(DbConnection c, Guid orgId, CancellationToken ct) =>
        (await c.QueryAsync<(Guid Id, string Name)>(new CommandDefinition(
            "SELECT id AS Id, name AS Name FROM traces_sources WHERE org_id = @orgId", new { orgId }, cancellationToken: ct)).ConfigureAwait(false))
        .ToDictionary(s => s.Id, s => s.Name);

    public static Task<TraceRecordRow?> FindRecordAsync(DbConnection c, Guid orgId, long seq, CancellationToken ct) =>
        c.QuerySingleOrDefaultAsync<TraceRecordRow>(new CommandDefinition(
            "SELECT " + RecordColumns + RecordFrom + " WHERE r.org_id = @orgId AND r.seq = @seq", new { orgId, seq }, cancellationToken: ct));

    /// <summary>The records of the given sequence numbers that belong to the organization, in record order.</summary>
    public static async Task<IReadOnlyList<TraceRecordRow>> ReadRecordsAsync(DbConnection c, SqlDialect dialect, Guid orgId, IReadOnlyList<long> seqs, CancellationToken ct) =>
        (await c.QueryAsync<TraceRecordRow>(new CommandDefinition(
            "SELECT " + RecordColumns + RecordFrom + " WHERE r.org_id = @orgId AND " + dialect.InList("r.seq", "seqs") + " ORDER BY r.seq",
            new { orgId, seqs = dialect.ListValue(seqs) }, cancellationToken: ct)).ConfigureAwait(false)).ToList();

    /// <summary>All records of one file of one source, in the order the run wrote them.</summary>
    public static async Task<IReadOnlyList<TraceRecordRow>> ReadRunAsync(DbConnection c, Guid orgId, Guid sourceId, string filePath, CancellationToken ct) =>
        (await c.QueryAsync<TraceRecordRow>(new CommandDefinition(
            "SELECT " + RecordColumns + RecordFrom + " WHERE r.org_id = @orgId AND r.source_id = @sourceId AND r.file_path = @filePath " +
            "ORDER BY r.iteration, r.idx_in_iteration, r.line, r.seq",
            new { orgId, sourceId, filePath }, cancellationToken: ct)).ConfigureAwait(false)).ToList();

    internal sealed record MapState
    {
        public long Count { get; init; }
        public long MaxSeq { get; init; }
        public long Version { get; init; }
    }

    internal sealed record PointRow
    {
        public long Seq { get; init; }
        public double X { get; init; }
        public double Y { get; init; }
        public int Version { get; init; }
        public string Type { get; init; } = "";
        public Guid SourceId { get; init; }
        public string FilePath { get; init; } = "";
    }
}
