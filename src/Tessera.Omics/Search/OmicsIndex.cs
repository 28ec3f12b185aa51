using System.Collections.Concurrent;
using System.Data.Common;
using System.Runtime.InteropServices;
using Dapper;
using Microsoft.Extensions.Logging;
using Tessera.Data;
using Tessera.Omics.Storage;
using Tessera.Vectors;
using Tessera.Vectors.Hnsw;
using Tessera.Vectors.Management;

namespace Tessera.Omics.Search;

/// <summary>
/// One HNSW index per embedder (name + model hash), built from every stored omics vector of that embedder and kept
/// as a snapshot under the data dir. The database stays the source of truth; rebuilds are coalesced, run in the
/// background, and a failed one leaves the last good index serving (reported as degraded in /readyz).
/// </summary>
public sealed class OmicsIndex(TesseraDatabase database, string indexDirectory, ILogger<VectorIndexManager> logger, TimeProvider time) : IAsyncDisposable
{
    private static readonly HnswOptions Options = new() { M = 16, EfConstruction = 200, EfSearch = 64 };

    private readonly ConcurrentDictionary<string, Lazy<VectorIndexManager>> _managers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, IndexedRuns> _runs = new(StringComparer.Ordinal);

    /// <summary>Per embedder, the highest label this process has read for its index (absent after a snapshot load).</summary>
    private readonly ConcurrentDictionary<string, long> _readThrough = new(StringComparer.Ordinal);

    public IEnumerable<IndexStatus> Statuses => _managers.Values.Where(m => m.IsValueCreated).Select(m => m.Value.Status);

    public VectorIndexManager For(EmbedderIdentity embedder)
    {
        ArgumentNullException.ThrowIfNull(embedder);
        var key = Key(embedder);
        return _managers.GetOrAdd(key, k => new Lazy<VectorIndexManager>(() =>
        {
            Directory.CreateDirectory(indexDirectory);
            var manager = new VectorIndexManager(
                $"omics/{k}", Path.Combine(indexDirectory, $"omics-{k}.hnsw"), DistanceMetric.Cosine, Options,
                ct => LoadAsync(embedder, ct), logger, time, missing: (index, ct) => LoadMissingAsync(embedder, index, ct));
            manager.TryLoadSnapshot();
            return manager;
        })).Value;
    }

    /// <summary>Every embedder that has stored vectors: what a full reindex covers.</summary>
    public async Task<IReadOnlyList<EmbedderIdentity>> StoredEmbeddersAsync(CancellationToken cancellationToken)
    {
        await using var c = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var rows = await c.QueryAsync<(string Name, int Dimension, string ModelHash)>(new CommandDefinition(
            "SELECT DISTINCT embedder, dimension, model_hash FROM omics_embeddings ORDER BY embedder, model_hash",
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return rows.Select(r => new EmbedderIdentity(r.Name, r.Dimension, r.ModelHash)).ToList();
    }

    /// <summary>The run of every label in this embedder's index, for the owner filter.</summary>
    internal IndexedRuns RunsOf(EmbedderIdentity embedder) => _runs.GetOrAdd(Key(embedder), _ => new IndexedRuns());

    /// <summary>
    /// The newest stored label of this embedder (0 when none): an index without it is behind. Labels only grow, so
    /// this one indexed lookup replaces counting every stored vector on each search. (On PostgreSQL two embedding
    /// transactions can commit out of label order; an index that missed the earlier one then looks current until
    /// the next embedding, whose job asks for a rebuild anyway.)
    /// </summary>
    internal static Task<long> HighestStoredLabelAsync(DbConnection c, EmbedderIdentity embedder, CancellationToken cancellationToken) =>
        c.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COALESCE(MAX(label), 0) FROM omics_embeddings WHERE embedder = @Name AND model_hash = @ModelHash",
            new { embedder.Name, embedder.ModelHash }, cancellationToken: cancellationToken));

    private static string Key(EmbedderIdentity embedder) => $"{embedder.Name}-{embedder.ModelHash[..16]}";

    private async Task<IndexSourceData> LoadAsync(EmbedderIdentity embedder, CancellationToken cancellationToken)
    {
        await using var c = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var rows = await ReadAsync(c, embedder, after: 0, cancellationToken).ConfigureAwait(false);
        RunsOf(embedder).AddAll(rows.Select(r => (r.Label, r.RunId)));
        _readThrough[Key(embedder)] = rows.Count == 0 ? 0 : rows[^1].Label;
        return Source(embedder, rows);
    }

    /// <summary>
    /// The vectors stored after those this process last read for the index, or null (a full build) when it has
    /// not read any (the index came from a snapshot) or the counts disagree (on PostgreSQL a transaction can
    /// commit a lower label after a higher one was read).
    /// </summary>
    private async Task<IndexSourceData?> LoadMissingAsync(EmbedderIdentity embedder, HnswIndex index, CancellationToken cancellationToken)
    {
        if (!_readThrough.TryGetValue(Key(embedder), out var after)) return null;
        await using var c = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var rows = await ReadAsync(c, embedder, after, cancellationToken).ConfigureAwait(false);
        // Counted up to the newest label read, so vectors committed meanwhile (with higher labels) do not count.
        var through = rows.Count == 0 ? after : rows[^1].Label;
        var stored = await c.ExecuteScalarAsync<int>(new CommandDefinition(
            "SELECT COUNT(*) FROM omics_embeddings WHERE embedder = @Name AND model_hash = @ModelHash AND label <= @through",
            new { embedder.Name, embedder.ModelHash, through }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        if (index.Count + rows.Count != stored) return null;
        RunsOf(embedder).AddNew(rows.Select(r => (r.Label, r.RunId)));
        _readThrough[Key(embedder)] = through;
        return Source(embedder, rows);
    }

    private static async Task<List<(long Label, Guid RunId, byte[] Vector)>> ReadAsync(
        DbConnection c, EmbedderIdentity embedder, long after, CancellationToken cancellationToken) =>
        (await c.QueryAsync<(long Label, Guid RunId, byte[] Vector)>(new CommandDefinition(
            "SELECT label, run_id, vector FROM omics_embeddings WHERE embedder = @Name AND model_hash = @ModelHash AND label > @after ORDER BY label",
            new { embedder.Name, embedder.ModelHash, after }, cancellationToken: cancellationToken)).ConfigureAwait(false)).ToList();

    private static IndexSourceData Source(EmbedderIdentity embedder, List<(long Label, Guid RunId, byte[] Vector)> rows)
    {
        var vectors = new float[rows.Count * embedder.Dimension];
        for (var i = 0; i < rows.Count; i++) MemoryMarshal.Cast<byte, float>(rows[i].Vector).CopyTo(vectors.AsSpan(i * embedder.Dimension));
        return new IndexSourceData(embedder.Dimension, vectors, rows.Select(r => r.Label).ToList());
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var manager in _managers.Values.Where(m => m.IsValueCreated)) await manager.Value.DisposeAsync().ConfigureAwait(false);
    }
}
