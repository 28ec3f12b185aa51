using System.Data.Common;
using System.Runtime.InteropServices;
using Dapper;
using Tessera.Data;

namespace Tessera.Traces.Storage;

/// <summary>The SQL of traces records and their embeddings. Reads for a caller filter by organization in SQL.</summary>
internal static class RecordRows
{
    private const string Columns =
        "r.seq AS Seq, r.id AS Id, r.source_id AS SourceId, s.name AS SourceName, r.file_path AS FilePath, r.line AS Line, r.iteration AS Iteration, " +
        "r.idx_in_iteration AS IdxInIteration, r.type AS Type, r.text AS Text, r.timestamp AS Timestamp";

    private static readonly string[] RecordColumns = ["id", "org_id", "source_id", "file_path", "line", "iteration", "idx_in_iteration", "type", "text", "timestamp", "created_at"];
    private static readonly string[] EmbeddingColumns = ["record_seq", "org_id", "embedder", "model_hash", "dimension", "vector", "created_at"];

    /// <summary>Which of <paramref name="ids"/> the organization already has.</summary>
    public static async Task<HashSet<string>> ExistingIdsAsync(DbConnection c, SqlDialect dialect, Guid orgId, IReadOnlyCollection<string> ids, CancellationToken ct)
    {
        if (ids.Count == 0) return [];
        var rows = await c.QueryAsync<string>(new CommandDefinition(
            "SELECT id FROM traces_records WHERE org_id = @orgId AND " + dialect.InList("id", "ids"),
            new { orgId, ids = dialect.ListValue(ids) }, cancellationToken: ct)).ConfigureAwait(false);
        return rows.ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>
    /// Stores new records with their vectors: records whose id the organization already has are left as they are
    /// (a grown file adds only its new records), and so are their vectors. Returns how many records were added.
    /// </summary>
    public static async Task<int> InsertAsync(
        DbConnection c, DbTransaction t, SqlDialect dialect, Guid orgId, TracesEmbedderIdentity embedder, IReadOnlyList<NewTraceRecord> records,
        DateTimeOffset now, CancellationToken ct)
    {
        if (records.Count == 0) return 0;
        var added = await BulkInsert.ExecuteAsync(c, t, "traces_records", RecordColumns, records, r =>
            [r.Id, orgId, r.SourceId, r.FilePath, r.Entry.Line, r.Entry.Iteration, r.Entry.IdxInIteration, r.Entry.Type, r.Entry.Text, r.Entry.Timestamp, now],
            "ON CONFLICT (org_id, id) DO NOTHING", ct).ConfigureAwait(false);
        var seqs = (await c.QueryAsync<(long Seq, string Id)>(new CommandDefinition(
            "SELECT seq, id FROM traces_records WHERE org_id = @orgId AND " + dialect.InList("id", "ids"),
            new { orgId, ids = dialect.ListValue(records.Select(r => r.Id)) }, t, cancellationToken: ct)).ConfigureAwait(false))
            .ToDictionary(r => r.Id, r => r.Seq, StringComparer.Ordinal);
        await BulkInsert.ExecuteAsync(c, t, "traces_embeddings", EmbeddingColumns, records, r =>
            [seqs[r.Id], orgId, embedder.Name, embedder.ModelHash, embedder.Dimension, MemoryMarshal.AsBytes(r.Vector.AsSpan()).ToArray(), now],
            "ON CONFLICT (record_seq) DO NOTHING", ct).ConfigureAwait(false);
        return added;
    }

    /// <summary>A page of the organization's records in storage order, after sequence <paramref name="after"/>.</summary>
    public static async Task<IReadOnlyList<TraceRecordRow>> PageAsync(
        DbConnection c, Guid orgId, Guid? sourceId, string? filePath, long after, int limit, CancellationToken ct)
    {
        var sql = $"SELECT {Columns} FROM traces_records r JOIN traces_sources s ON s.id = r.source_id WHERE r.org_id = @orgId AND r.seq > @after";
        if (sourceId is not null) sql += " AND r.source_id = @sourceId";
        if (filePath is not null) sql += " AND r.file_path = @filePath";
        sql += " ORDER BY r.seq LIMIT @limit";
        return (await c.QueryAsync<TraceRecordRow>(new CommandDefinition(sql, new { orgId, sourceId, filePath, after, limit }, cancellationToken: ct)).ConfigureAwait(false)).ToList();
    }

    public static Task<TraceRecordRow?> FindAsync(DbConnection c, Guid orgId, string id, CancellationToken ct) =>
        c.QuerySingleOrDefaultAsync<TraceRecordRow>(new CommandDefinition(
            $"SELECT {Columns} FROM traces_records r JOIN traces_sources s ON s.id = r.source_id WHERE r.org_id = @orgId AND r.id = @id",
            new { orgId, id }, cancellationToken: ct));

    /// <summary>The records behind vector labels, limited to the organization's.</summary>
    public static async Task<Dictionary<long, TraceRecordRow>> ByLabelsAsync(DbConnection c, SqlDialect dialect, Guid orgId, IReadOnlyList<long> labels, CancellationToken ct)
    {
        if (labels.Count == 0) return [];
        var rows = await c.QueryAsync<(long Label, long Seq)>(new CommandDefinition(
            "SELECT e.label, e.record_seq FROM traces_embeddings e WHERE e.org_id = @orgId AND " + dialect.InList("e.label", "labels"),
            new { orgId, labels = dialect.ListValue(labels) }, cancellationToken: ct)).ConfigureAwait(false);
        var bySeq = rows.ToDictionary(r => r.Seq, r => r.Label);
        if (bySeq.Count == 0) return [];
        var records = await c.QueryAsync<TraceRecordRow>(new CommandDefinition(
            $"SELECT {Columns} FROM traces_records r JOIN traces_sources s ON s.id = r.source_id WHERE r.org_id = @orgId AND " + dialect.InList("r.seq", "seqs"),
            new { orgId, seqs = dialect.ListValue(bySeq.Keys) }, cancellationToken: ct)).ConfigureAwait(false);
        return records.ToDictionary(r => bySeq[r.Seq]);
    }

    /// <summary>The embedder of the organization's newest vector (the one its records are searched and mapped with), or null.</summary>
    public static async Task<TracesEmbedderIdentity?> NewestEmbedderAsync(DbConnection c, Guid orgId, CancellationToken ct)
    {
        var rows = await c.QueryAsync<(string Name, string ModelHash, int Dimension)>(new CommandDefinition(
            "SELECT embedder, model_hash, dimension FROM traces_embeddings WHERE org_id = @orgId ORDER BY label DESC LIMIT 1",
            new { orgId }, cancellationToken: ct)).ConfigureAwait(false);
        return rows.Select(r => new TracesEmbedderIdentity(r.Name, r.ModelHash, r.Dimension)).FirstOrDefault();
    }

    /// <summary>The organization's sources that hold vectors of <paramref name="embedder"/>: the groups a search may see.</summary>
    public static async Task<IReadOnlyList<Guid>> SearchableSourcesAsync(DbConnection c, Guid orgId, TracesEmbedderIdentity embedder, CancellationToken ct) =>
        (await c.QueryAsync<Guid>(new CommandDefinition(
            "SELECT DISTINCT r.source_id FROM traces_embeddings e JOIN traces_records r ON r.seq = e.record_seq " +
            "WHERE e.org_id = @orgId AND e.embedder = @Name AND e.model_hash = @ModelHash",
            new { orgId, embedder.Name, embedder.ModelHash }, cancellationToken: ct)).ConfigureAwait(false)).ToList();
}
