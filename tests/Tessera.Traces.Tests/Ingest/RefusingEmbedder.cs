using Microsoft.Extensions.AI;
using Tessera.Inference.Classical;
using Tessera.Inference.Embeddings;

namespace Tessera.Traces.Tests.Ingest;

/// <summary>The hashed n-gram embedder, except that any call holding a text with <paramref name="poison"/> fails, as a remote server failing one input would.</summary>
internal sealed class RefusingEmbedder(TimeProvider time, string poison) : ITesseraEmbedder
{
    private readonly HashedNgramTextEmbedder inner = new(time);

    public EmbedderDescriptor Descriptor => inner.Descriptor with { Name = "picky" };

    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        var texts = values.ToList();
        return texts.Any(t => t.Contains(poison, StringComparison.Ordinal))
            ? throw new InvalidOperationException("the server refuses this input")
            : inner.GenerateAsync(texts, options, cancellationToken);
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => inner.GetService(serviceType, serviceKey);

    public void Dispose() => inner.Dispose();
}
