namespace Tessera.Inference.Embeddings;

/// <summary>
/// An embedder known by name rather than by a model folder (a module's classical featurizer, a packaged pretrained
/// model): created once per registry, on first use. <see cref="Modality"/> and <see cref="Origin"/> describe it
/// before it is loaded (for listings).
/// </summary>
public sealed record NamedEmbedder(string Name, Func<TimeProvider, IEmbedderModel> Create)
{
    public EmbeddingModality Modality { get; init; } = EmbeddingModality.Text;

    public EmbedderOrigin Origin { get; init; } = EmbedderOrigin.Classical;
}
