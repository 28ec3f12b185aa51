using Microsoft.Extensions.AI;
using Microsoft.Extensions.Time.Testing;
using Tessera.Inference.Classical;
using Tessera.Inference.Embeddings;

namespace Tessera.Traces.Tests.Ingest;

/// <summary>The hashed n-gram embedder on a fake clock that each call moves by <paramref name="perCall"/>, so the time a pass spends embedding is known exactly.</summary>
internal sealed class SlowEmbedder(FakeTimeProvider clock, TimeSpan perCall) : ITesseraEmbedder
{
    private readonly HashedNgramTextEmbedder inner = new(clock);

    public EmbedderDescriptor Descriptor => inner.Descriptor with { Name = "slow" };

    public int Calls { get; private set; }

    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        Calls++;
        clock.Advance(perCall);
        return inner.GenerateAsync(values, options, cancellationToken);
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => inner.GetService(serviceType, serviceKey);

    public void Dispose() => inner.Dispose();
}
