using Microsoft.Extensions.AI;
using Tessera.Inference.Classical;
using Tessera.Inference.Embeddings;

namespace Tessera.Traces.Tests.Ingest;

/// <summary>
/// The hashed n-gram embedder under another name, with <paramref name="beforeCall"/> run on each call's texts first:
/// a test moves a fake clock there, or throws as a remote server failing one input would.
/// </summary>
internal sealed class HookedEmbedder(TimeProvider time, string name, Action<IReadOnlyList<string>> beforeCall) : ITesseraEmbedder
{
    private readonly HashedNgramTextEmbedder inner = new(time);

    public EmbedderDescriptor Descriptor => inner.Descriptor with { Name = name };

    public int Calls { get; private set; }

    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        var texts = values.ToList();
        Calls++;
        beforeCall(texts);
        return inner.GenerateAsync(texts, options, cancellationToken);
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => inner.GetService(serviceType, serviceKey);

    public void Dispose() => inner.Dispose();
}
