using Microsoft.Extensions.AI;
using Tessera.Core.Hashing;
using Tessera.Inference.Embeddings;
using Tessera.Inference.Tokenizers;

namespace Tessera.Inference.Classical;

/// <summary>
/// The classical text default, for when no pretrained model is wanted: words (as the uncased BERT pre-tokenizer
/// splits them) and their character 3–5-grams, hashed with a sign bit into <see cref="DimensionValue"/> buckets, each
/// feature weighted by sublinear term frequency (1 + ln tf) times a fixed inverse-frequency prior (character n-grams
/// weigh less than whole words, short words less than long ones, which stands in for corpus IDF without one), then
/// L2-normalised. Finds shared words and spellings; knows nothing of meaning.
/// </summary>
public sealed class HashedNgramTextEmbedder : ITesseraEmbedder
{
    public const string ModelName = "tessera-text-hashed-ngrams-v1";
    public const int DimensionValue = 1024;
    private const string Definition = "words+char3-5grams; fnv1a seeds 17/29, signed; weight (1+ln tf)*prior(word=ln(1+len),ngram=0.5); dim 1024; l2";

    private readonly TimeProvider _time;

    public HashedNgramTextEmbedder(TimeProvider time)
    {
        _time = time;
        Descriptor = new EmbedderDescriptor(ModelName, DimensionValue, Sha256Hex.Of(Definition), EmbeddingPooling.WholeSequence, "none (any length)")
        {
            Modality = EmbeddingModality.Text,
            Origin = EmbedderOrigin.Classical,
        };
    }

    public EmbedderDescriptor Descriptor { get; }

    public static float[] Embed(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var counts = new Dictionary<(uint Hash, bool Word), (int Count, float Prior)>();
        foreach (var word in BertPreTokenizer.Split(text))
        {
            Count(counts, FeatureHashing.Hash(word, 17), true, MathF.Log(1 + word.Length));
            var padded = $"<{word}>";
            for (var n = 3; n <= 5; n++)
                for (var start = 0; start + n <= padded.Length; start++)
                    Count(counts, FeatureHashing.Hash(padded.AsSpan(start, n), 29), false, 0.5f);
        }
        var vector = new float[DimensionValue];
        foreach (var ((hash, _), (count, prior)) in counts)
        {
            var sign = (hash & 0x8000_0000) == 0 ? 1f : -1f;
            vector[(hash & 0x7FFF_FFFF) % DimensionValue] += sign * (1 + MathF.Log(count)) * prior;
        }
        FeatureHashing.L2Normalize(vector);
        return vector;
    }

    private static void Count(Dictionary<(uint, bool), (int Count, float Prior)> counts, uint hash, bool word, float prior)
    {
        var key = (hash, word);
        counts[key] = counts.TryGetValue(key, out var seen) ? (seen.Count + 1, prior) : (1, prior);
    }

    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        return Task.FromResult(EmbeddingResults.From(values.Select(Embed).ToList(), Descriptor, _time));
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => EmbeddingResults.Service(this, serviceType, serviceKey);

    public void Dispose()
    {
    }
}
