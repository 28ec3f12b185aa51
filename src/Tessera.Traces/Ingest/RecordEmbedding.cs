using Microsoft.Extensions.AI;
using Tessera.Inference.Embeddings;

namespace Tessera.Traces.Ingest;

/// <summary>
/// Embeds a batch of texts in chunks. A chunk that fails (after the embedder's own retries) is split in halves and
/// each half tried again, down to single texts: a text that still fails is reported with its reason and the rest of
/// the batch is embedded all the same. Also says how long was spent inside the embedder's calls (failed calls
/// included), the figure the pipeline's cost outside embedding is measured against.
/// </summary>
internal static class RecordEmbedding
{
    /// <summary>One text's outcome: its vector, or why it has none.</summary>
    public readonly record struct Outcome(float[]? Vector, string? Failure);

    /// <summary>One outcome per text, in order, and the time spent inside <see cref="ITesseraEmbedder"/> calls.</summary>
    public sealed record Result(Outcome[] Outcomes, TimeSpan InEmbedder);

    public static async Task<Result> EmbedAsync(ITesseraEmbedder embedder, IReadOnlyList<string> texts, int chunk, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(embedder);
        ArgumentNullException.ThrowIfNull(texts);
        ArgumentNullException.ThrowIfNull(time);
        var run = new Run(embedder, texts, time);
        for (var start = 0; start < texts.Count; start += chunk)
            await run.EmbedRangeAsync(start, Math.Min(chunk, texts.Count - start), cancellationToken).ConfigureAwait(false);
        return new Result(run.Outcomes, run.InEmbedder);
    }

    private sealed class Run(ITesseraEmbedder embedder, IReadOnlyList<string> texts, TimeProvider time)
    {
        public Outcome[] Outcomes { get; } = new Outcome[texts.Count];

        public TimeSpan InEmbedder { get; private set; }

        public async Task EmbedRangeAsync(int start, int count, CancellationToken cancellationToken)
        {
            try
            {
                var vectors = await GenerateAsync(Enumerable.Range(start, count).Select(i => texts[i]).ToList(), cancellationToken).ConfigureAwait(false);
                if (vectors.Count != count) throw new InvalidOperationException($"The embedder returned {vectors.Count} vectors for {count} texts.");
                for (var i = 0; i < count; i++) Outcomes[start + i] = new Outcome(vectors[i].Vector.ToArray(), null);
            }
            catch (Exception failed) when (failed is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                if (count == 1)
                {
                    Outcomes[start] = new Outcome(null, failed.Message);
                    return;
                }
                var half = count / 2;
                await EmbedRangeAsync(start, half, cancellationToken).ConfigureAwait(false);
                await EmbedRangeAsync(start + half, count - half, cancellationToken).ConfigureAwait(false);
            }
        }

        private async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(List<string> chunk, CancellationToken cancellationToken)
        {
            var started = time.GetTimestamp();
            try
            {
                return await embedder.GenerateAsync(chunk, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                InEmbedder += time.GetElapsedTime(started);
            }
        }
    }
}
