using Tessera.Inference.Embeddings;

namespace Tessera.Traces.Ingest;

/// <summary>
/// Embeds a batch of texts in chunks. A chunk that fails (after the embedder's own retries) is split in halves and
/// each half tried again, down to single texts: a text that still fails is reported with its reason and the rest of
/// the batch is embedded all the same.
/// </summary>
internal static class RecordEmbedding
{
    /// <summary>One text's outcome: its vector, or why it has none.</summary>
    public readonly record struct Outcome(float[]? Vector, string? Failure);

    public static async Task<Outcome[]> EmbedAsync(ITesseraEmbedder embedder, IReadOnlyList<string> texts, int chunk, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(embedder);
        ArgumentNullException.ThrowIfNull(texts);
        var outcomes = new Outcome[texts.Count];
        for (var start = 0; start < texts.Count; start += chunk)
            await EmbedRangeAsync(embedder, texts, start, Math.Min(chunk, texts.Count - start), outcomes, cancellationToken).ConfigureAwait(false);
        return outcomes;
    }

    private static async Task EmbedRangeAsync(ITesseraEmbedder embedder, IReadOnlyList<string> texts, int start, int count, Outcome[] outcomes, CancellationToken cancellationToken)
    {
        try
        {
            var vectors = await embedder.GenerateAsync(Enumerable.Range(start, count).Select(i => texts[i]).ToList(), cancellationToken: cancellationToken).ConfigureAwait(false);
            if (vectors.Count != count) throw new InvalidOperationException($"The embedder returned {vectors.Count} vectors for {count} texts.");
            for (var i = 0; i < count; i++) outcomes[start + i] = new Outcome(vectors[i].Vector.ToArray(), null);
        }
        catch (Exception failed) when (failed is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            if (count == 1)
            {
                outcomes[start] = new Outcome(null, failed.Message);
                return;
            }
            var half = count / 2;
            await EmbedRangeAsync(embedder, texts, start, half, outcomes, cancellationToken).ConfigureAwait(false);
            await EmbedRangeAsync(embedder, texts, start + half, count - half, outcomes, cancellationToken).ConfigureAwait(false);
        }
    }
}
