using System.Runtime.InteropServices;
using Dapper;
using Tessera.Data;
using Tessera.Vectors.Collections;

namespace Tessera.Traces.Storage;

/// <summary>
/// The traces vector collection's source: record embeddings, one partition per embedder, grouped by source (the
/// unit a search admits; every source belongs to one organization). Records are deleted only with their source, and
/// a deleted source's labels never come back (the search's owner filter admits only existing sources' groups).
/// </summary>
internal sealed class TracesVectorSource(TesseraDatabase database) : IVectorSource
{
    public async Task<IReadOnlyList<VectorPartition>> PartitionsAsync(CancellationToken cancellationToken)
    {
        await using var c = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var rows = await c.QueryAsync<(string Name, string ModelHash, int Dimension)>(new CommandDefinition(
            "SELECT DISTINCT embedder, model_hash, dimension FROM traces_embeddings ORDER BY embedder, model_hash",
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return rows.Select(r => new VectorPartition(r.Name, r.ModelHash, r.Dimension)).ToList();
    }

    public async Task<SourceRows> ReadAfterAsync(VectorPartition partition, long after, CancellationToken cancellationToken)
    {
        await using var c = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var rows = (await c.QueryAsync<(long Label, Guid SourceId, byte[] Vector)>(new CommandDefinition(
            "SELECT e.label, r.source_id, e.vector FROM traces_embeddings e JOIN traces_records r ON r.seq = e.record_seq " +
            "WHERE e.embedder = @Embedder AND e.model_hash = @ModelHash AND e.label > @after ORDER BY e.label",
            new { partition.Embedder, partition.ModelHash, after }, cancellationToken: cancellationToken)).ConfigureAwait(false)).ToList();
        var vectors = new float[rows.Count * partition.Dimension];
        for (var i = 0; i < rows.Count; i++) MemoryMarshal.Cast<byte, float>(rows[i].Vector).CopyTo(vectors.AsSpan(i * partition.Dimension));
        return new SourceRows(partition.Dimension, vectors, [.. rows.Select(r => r.Label)], [.. rows.Select(r => r.SourceId)]);
    }

    public async Task<long> CountThroughAsync(VectorPartition partition, long through, CancellationToken cancellationToken)
    {
        await using var c = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await c.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM traces_embeddings WHERE embedder = @Embedder AND model_hash = @ModelHash AND label <= @through",
            new { partition.Embedder, partition.ModelHash, through }, cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    public async Task<long> HighestLabelAsync(VectorPartition partition, CancellationToken cancellationToken)
    {
        await using var c = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await c.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COALESCE(MAX(label), 0) FROM traces_embeddings WHERE embedder = @Embedder AND model_hash = @ModelHash",
            new { partition.Embedder, partition.ModelHash }, cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<(long Label, Guid Group)>> GroupsAsync(VectorPartition partition, CancellationToken cancellationToken)
    {
        await using var c = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return (await c.QueryAsync<(long, Guid)>(new CommandDefinition(
            "SELECT e.label, r.source_id FROM traces_embeddings e JOIN traces_records r ON r.seq = e.record_seq WHERE e.embedder = @Embedder AND e.model_hash = @ModelHash",
            new { partition.Embedder, partition.ModelHash }, cancellationToken: cancellationToken)).ConfigureAwait(false)).ToList();
    }

    /// <summary>
    /// No tombstones: a deleted source's group is never admitted again, so its labels are never returned; the next
    /// full rebuild (the count check sees fewer vectors) drops them from the index.
    /// </summary>
    public Task<DeletedLabels> DeletedAfterAsync(VectorPartition partition, long after, CancellationToken cancellationToken) =>
        Task.FromResult(new DeletedLabels([], after));
}
