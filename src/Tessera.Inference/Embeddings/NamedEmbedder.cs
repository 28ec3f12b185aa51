namespace Tessera.Inference.Embeddings;

/// <summary>
/// An embedder known by name rather than by a model folder (e.g. a module's classical featurizer): created once per
/// registry, on first use.
/// </summary>
public sealed record NamedEmbedder(string Name, Func<TimeProvider, ITesseraEmbedder> Create);
