using Tessera.Core.Errors;
using Tessera.Data;
using Tessera.Inference.Embeddings;
using Tessera.Omics.Storage;

namespace Tessera.Omics.Embedding;

/// <summary>
/// Embeds a run's peptides in batches. The database is the checkpoint: each batch takes peptides that have no
/// vector yet and stores their vectors in one transaction, so a worker killed mid-run loses at most one batch and
/// the next attempt continues where it stopped. When every peptide has a vector the run becomes <c>embedded</c>.
/// </summary>
internal sealed class OmicsEmbeddingService(TesseraDatabase database, OmicsEmbedderChoice embedders, TimeProvider time)
{
    /// <summary>The first batch's size; without a fixed size, batches double while the model answers quickly.</summary>
    public const int InitialBatchSize = 64;

    /// <summary>Largest batch a fast embedder grows to.</summary>
    public const int MaxBatchSize = 1024;

    /// <summary>Batches grow while the model takes less than this per batch, so a killed worker loses little work.</summary>
    private static readonly TimeSpan GrowBelow = TimeSpan.FromMilliseconds(100);

    public sealed record Progress(int Done, int Total);

    /// <summary>What one call did: the embedder, how many vectors it added (fewer than the run's size after a resume) and the time spent in the model.</summary>
    public sealed record Outcome(EmbedderIdentity Embedder, int Embedded, TimeSpan ModelTime);

    public async Task<Outcome> EmbedRunAsync(
        Guid runId, string embedderName, Func<Progress, Task>? onBatch, int? batchSize = null, CancellationToken cancellationToken = default)
    {
        var embedder = await embedders.GetAsync(embedderName, cancellationToken).ConfigureAwait(false);
        var identity = Identity(embedder.Descriptor);
        var embedded = 0;
        var modelTime = TimeSpan.Zero;
        int total, done;
        await using (var c = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
        {
            (total, done) = await EmbeddingRows.CountsAsync(c, runId, cancellationToken).ConfigureAwait(false);
        }
        // Walk the run in peptide order from where the last batch ended, so each batch reads only its own rows.
        var after = -1;
        var size = batchSize ?? InitialBatchSize;
        while (true)
        {
            IReadOnlyList<(Guid Id, string Sequence, int Ordinal)> batch;
            await using (var c = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
            {
                batch = await EmbeddingRows.NextUnembeddedAsync(c, runId, after, size, cancellationToken).ConfigureAwait(false);
            }
            if (batch.Count == 0) break;
            after = batch[^1].Ordinal;

            var started = time.GetTimestamp();
            var embeddings = await embedder.GenerateAsync(batch.Select(p => p.Sequence), cancellationToken: cancellationToken).ConfigureAwait(false);
            var batchTime = time.GetElapsedTime(started);
            modelTime += batchTime;
            var vectors = batch.Select((p, i) => (p.Id, embeddings[i].Vector.ToArray())).ToList();
            await database.InTransactionAsync(
                (c, t) => EmbeddingRows.InsertAsync(c, t, runId, identity, vectors, time.GetUtcNow(), cancellationToken),
                cancellationToken).ConfigureAwait(false);
            embedded += batch.Count;
            done += batch.Count;
            if (onBatch is not null) await onBatch(new Progress(done, total)).ConfigureAwait(false);
            // A fast embedder (the classical one) would otherwise spend its time in per-batch transactions.
            if (batchSize is null && batch.Count == size && batchTime < GrowBelow) size = Math.Min(2 * size, MaxBatchSize);
        }

        await database.InTransactionAsync(async (c, t) =>
        {
            var (total, done) = await EmbeddingRows.CountsAsync(c, runId, cancellationToken).ConfigureAwait(false);
            if (done != total) throw new TesseraException(OmicsErrorCodes.EmbeddingIncomplete, 500, $"Run {runId}: {done} of {total} peptides have vectors.");
            await OmicsRepository.MarkEmbeddedAsync(c, t, runId, identity, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
        return new Outcome(identity, embedded, modelTime);
    }

    public static EmbedderIdentity Identity(EmbedderDescriptor descriptor)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        var pooling = descriptor.Pooling == EmbeddingPooling.MeanOverResidues ? "mean over residues (BOS/EOS excluded)" : "whole sequence";
        return new EmbedderIdentity(descriptor.Name, descriptor.Dimension, descriptor.ModelHash, pooling, descriptor.TruncationPolicy);
    }
}
