using System.Data.Common;
using Dapper;

namespace Tessera.Traces.Parquet;

/// <summary>The SQL the Parquet files are written from: an organization's mapped records and its embeddings, past a record sequence.</summary>
internal static class TracesExportRows
{
    internal sealed record LogRow
    {
        public required long Seq { get; init; }
        public required string Id { get; init; }
        public DateTimeOffset? Timestamp { get; init; }
        public required string Source { get; init; }
        public required string FilePath { get; init; }
        public required string Text { get; init; }
        public required int Iteration { get; init; }
        public required int IdxInIteration { get; init; }
        public required string Type { get; init; }
        public required double X { get; init; }
        public required double Y { get; init; }
        public required int Version { get; init; }
    }

    internal sealed record EmbeddingRow
    {
        public required long Seq { get; init; }
        public required string Id { get; init; }
        public required byte[] Vector { get; init; }
        public required string Embedder { get; init; }
        public required string ModelHash { get; init; }
    }

    /// <summary>Records that have a point, above <paramref name="afterSeq"/>, in sequence order.</summary>
    public static async Task<List<LogRow>> LogsAsync(DbConnection c, Guid orgId, long afterSeq, CancellationToken ct) =>
        (await c.QueryAsync<LogRow>(new CommandDefinition(
            "SELECT r.seq AS Seq, r.id AS Id, r.timestamp AS Timestamp, s.name AS Source, r.file_path AS FilePath, r.text AS Text, r.iteration AS Iteration, " +
            "r.idx_in_iteration AS IdxInIteration, r.type AS Type, p.x AS X, p.y AS Y, p.version AS Version " +
            "FROM traces_records r JOIN traces_points p ON p.record_seq = r.seq AND p.org_id = r.org_id JOIN traces_sources s ON s.id = r.source_id " +
            "WHERE r.org_id = @orgId AND r.seq > @afterSeq ORDER BY r.seq",
            new { orgId, afterSeq }, cancellationToken: ct)).ConfigureAwait(false)).AsList();

    /// <summary>Embeddings of records above <paramref name="afterSeq"/>, in sequence order.</summary>
    public static async Task<List<EmbeddingRow>> EmbeddingsAsync(DbConnection c, Guid orgId, long afterSeq, CancellationToken ct) =>
        (await c.QueryAsync<EmbeddingRow>(new CommandDefinition(
            "SELECT r.seq AS Seq, r.id AS Id, e.vector AS Vector, e.embedder AS Embedder, e.model_hash AS ModelHash " +
            "FROM traces_embeddings e JOIN traces_records r ON r.seq = e.record_seq AND r.org_id = e.org_id " +
            "WHERE e.org_id = @orgId AND r.seq > @afterSeq ORDER BY r.seq",
            new { orgId, afterSeq }, cancellationToken: ct)).ConfigureAwait(false)).AsList();
}
