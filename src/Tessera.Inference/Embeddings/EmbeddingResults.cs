using Microsoft.Extensions.AI;

namespace Tessera.Inference.Embeddings;

/// <summary>Wraps raw vectors as <see cref="Embedding{T}"/>s stamped with their embedder's name and hash.</summary>
public static class EmbeddingResults
{
    public static GeneratedEmbeddings<Embedding<float>> From(IEnumerable<float[]> vectors, EmbedderDescriptor descriptor, TimeProvider time)
    {
        var created = time.GetUtcNow();
        var results = new GeneratedEmbeddings<Embedding<float>>();
        foreach (var vector in vectors)
        {
            results.Add(new Embedding<float>(vector)
            {
                ModelId = descriptor.Name,
                CreatedAt = created,
                AdditionalProperties = new AdditionalPropertiesDictionary { [EmbedderDescriptor.ModelHashProperty] = descriptor.ModelHash },
            });
        }
        return results;
    }

    /// <summary>Embeds each image on the thread pool (decoding and inference are CPU-bound), one vector per image, in order.</summary>
    public static async Task<GeneratedEmbeddings<Embedding<float>>> EachImageAsync(
        IEnumerable<DataContent> values, Func<ReadOnlyMemory<byte>, float[]> embed, EmbedderDescriptor descriptor, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(embed);
        var images = values.ToArray();
        var vectors = await Task.Run(() => images.Select(image =>
        {
            cancellationToken.ThrowIfCancellationRequested();
            return embed(image.Data);
        }).ToArray(), cancellationToken).ConfigureAwait(false);
        return From(vectors, descriptor, time);
    }

    /// <summary>The <c>GetService</c> answers every Tessera embedder gives.</summary>
    public static object? Service(IEmbedderModel embedder, Type serviceType, object? serviceKey)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null) return null;
        if (serviceType == typeof(EmbeddingGeneratorMetadata))
            return new EmbeddingGeneratorMetadata("tessera", null, embedder.Descriptor.Name, embedder.Descriptor.Dimension);
        if (serviceType == typeof(EmbedderDescriptor)) return embedder.Descriptor;
        return serviceType.IsInstanceOfType(embedder) ? embedder : null;
    }
}
