using System.Data.Common;
using System.Runtime.InteropServices;
using Dapper;
using Tessera.Core.Errors;
using Tessera.Data;

namespace Tessera.Omics.Storage;

/// <summary>The embedder a run's vectors came from (stored with every vector), with how it pools and truncates.</summary>
internal sealed record EmbedderIdentity(string Name, int Dimension, string ModelHash, string Pooling = "mean", string TruncationPolicy = "none");

/// <summary>Stores and reads peptide embeddings as little-endian float32 blobs, checking every dimension.</summary>
internal static class EmbeddingRows
{
    private static readonly string[] InsertColumns = ["peptide_id", "run_id", "embedder", "model_hash", "dimension", "vector", "created_at"];

    public static async Task InsertAsync(
        DbConnection c, DbTransaction t, Guid runId, EmbedderIdentity embedder, IReadOnlyList<(Guid PeptideId, float[] Vector)> vectors,
        DateTimeOffset now, CancellationToken ct)
    {
        foreach (var (peptideId, vector) in vectors)
        {
            if (vector.Length != embedder.Dimension)
                throw new TesseraException(OmicsErrorCodes.EmbeddingDimensionMismatch, 500,
                    $"Embedder {embedder.Name} produced {vector.Length} values for peptide {peptideId}; its dimension is {embedder.Dimension}.");
        }
        await BulkInsert.ExecuteAsync(c, t, "omics_embeddings", InsertColumns, vectors,
            v => [v.PeptideId, runId, embedder.Name, embedder.ModelHash, embedder.Dimension, ToBytes(v.Vector), now],
            "ON CONFLICT (peptide_id) DO NOTHING", ct).ConfigureAwait(false);
    }

    /// <summary>The run's vectors by peptide id.</summary>
    public static async Task<Dictionary<Guid, float[]>> ReadAsync(DbConnection c, Guid runId, CancellationToken ct)
    {
        var rows = await c.QueryAsync<(Guid PeptideId, byte[] Vector)>(new CommandDefinition(
            "SELECT peptide_id, vector FROM omics_embeddings WHERE run_id = @runId", new { runId }, cancellationToken: ct)).ConfigureAwait(false);
        return rows.ToDictionary(r => r.PeptideId, r => MemoryMarshal.Cast<byte, float>(r.Vector).ToArray());
    }

    /// <summary>
    /// Up to <paramref name="size"/> of the run's peptides after ordinal <paramref name="after"/> that have no vector yet,
    /// in peptide order.
    /// </summary>
    public static async Task<IReadOnlyList<(Guid Id, string Sequence, int Ordinal)>> NextUnembeddedAsync(
        DbConnection c, Guid runId, int after, int size, CancellationToken ct) =>
        (await c.QueryAsync<(Guid, string, int)>(new CommandDefinition(
            "SELECT p.id, p.sequence, p.ordinal FROM omics_peptides p WHERE p.run_id = @runId AND p.ordinal > @after " +
            "AND NOT EXISTS (SELECT 1 FROM omics_embeddings e WHERE e.peptide_id = p.id) ORDER BY p.ordinal LIMIT @size",
            new { runId, after, size }, cancellationToken: ct)).ConfigureAwait(false)).ToList();

    /// <summary>How many peptides the run has, and how many of them have a vector.</summary>
    public static async Task<(int Total, int Done)> CountsAsync(DbConnection c, Guid runId, CancellationToken ct)
    {
        var total = await c.ExecuteScalarAsync<int>(new CommandDefinition(
            "SELECT COUNT(*) FROM omics_peptides WHERE run_id = @runId", new { runId }, cancellationToken: ct)).ConfigureAwait(false);
        var done = await c.ExecuteScalarAsync<int>(new CommandDefinition(
            "SELECT COUNT(*) FROM omics_embeddings WHERE run_id = @runId", new { runId }, cancellationToken: ct)).ConfigureAwait(false);
        return (total, done);
    }

    private static byte[] ToBytes(float[] vector) => MemoryMarshal.AsBytes(vector.AsSpan()).ToArray();
}
