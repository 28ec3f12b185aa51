using System.Runtime.InteropServices;
using Dapper;
using Tessera.Data;
using Tessera.Vectors.Collections;

namespace Tessera.Cards.Storage;

/// <summary>
/// The cards vector collection's source: catalog image embeddings, one partition per embedder, grouped by
/// organization (the unit a search admits). A vector replaced by a newer image's, or removed with its card, is
/// recorded in <c>cards_deleted_labels</c>, so searches drop it at once even where a snapshot still holds it.
/// </summary>
internal sealed class CardsVectorSource(TesseraDatabase database) : IVectorSource
{
    public async Task<IReadOnlyList<VectorPartition>> PartitionsAsync(CancellationToken cancellationToken)
    {
        await using var c = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var rows = await c.QueryAsync<(string Name, string ModelHash, int Dimension)>(new CommandDefinition(
            "SELECT DISTINCT embedder, model_hash, dimension FROM cards_embeddings ORDER BY embedder, model_hash", cancellationToken: cancellationToken)).ConfigureAwait(false);
        return rows.Select(r => new VectorPartition(r.Name, r.ModelHash, r.Dimension)).ToList();
    }

    public async Task<SourceRows> ReadAfterAsync(VectorPartition partition, long after, CancellationToken cancellationToken)
    {
        await using var c = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var rows = (await c.QueryAsync<(long Label, Guid OrgId, byte[] Vector)>(new CommandDefinition(
            "SELECT label, org_id, vector FROM cards_embeddings WHERE embedder = @Embedder AND model_hash = @ModelHash AND label > @after ORDER BY label",
            new { partition.Embedder, partition.ModelHash, after }, cancellationToken: cancellationToken)).ConfigureAwait(false)).ToList();
        var vectors = new float[rows.Count * partition.Dimension];
        for (var i = 0; i < rows.Count; i++) MemoryMarshal.Cast<byte, float>(rows[i].Vector).CopyTo(vectors.AsSpan(i * partition.Dimension));
        return new SourceRows(partition.Dimension, vectors, [.. rows.Select(r => r.Label)], [.. rows.Select(r => r.OrgId)]);
    }

    public async Task<long> CountThroughAsync(VectorPartition partition, long through, CancellationToken cancellationToken)
    {
        await using var c = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await c.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM cards_embeddings WHERE embedder = @Embedder AND model_hash = @ModelHash AND label <= @through",
            new { partition.Embedder, partition.ModelHash, through }, cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    public async Task<long> HighestLabelAsync(VectorPartition partition, CancellationToken cancellationToken)
    {
        await using var c = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await c.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COALESCE(MAX(label), 0) FROM cards_embeddings WHERE embedder = @Embedder AND model_hash = @ModelHash",
            new { partition.Embedder, partition.ModelHash }, cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<(long Label, Guid Group)>> GroupsAsync(VectorPartition partition, CancellationToken cancellationToken)
    {
        await using var c = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return (await c.QueryAsync<(long, Guid)>(new CommandDefinition(
            "SELECT label, org_id FROM cards_embeddings WHERE embedder = @Embedder AND model_hash = @ModelHash",
            new { partition.Embedder, partition.ModelHash }, cancellationToken: cancellationToken)).ConfigureAwait(false)).ToList();
    }

    public async Task<DeletedLabels> DeletedAfterAsync(VectorPartition partition, long after, CancellationToken cancellationToken)
    {
        await using var c = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var rows = (await c.QueryAsync<(long Sequence, long Label)>(new CommandDefinition(
            "SELECT sequence, label FROM cards_deleted_labels WHERE embedder = @Embedder AND model_hash = @ModelHash AND sequence > @after ORDER BY sequence",
            new { partition.Embedder, partition.ModelHash, after }, cancellationToken: cancellationToken)).ConfigureAwait(false)).ToList();
        return new DeletedLabels([.. rows.Select(r => r.Label)], rows.Count == 0 ? after : rows[^1].Sequence);
    }
}
