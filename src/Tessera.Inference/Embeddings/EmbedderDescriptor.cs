namespace Tessera.Inference.Embeddings;

/// <summary>How per-token states become one vector.</summary>
public enum EmbeddingPooling
{
    /// <summary>Mean over residue states, BOS/EOS excluded (ESM-2).</summary>
    MeanOverResidues,

    /// <summary>The vector is computed from the whole sequence directly (classical descriptors).</summary>
    WholeSequence,
}

/// <summary>
/// What a stored vector came from: the embedder's name, its dimension, the sha256 of its model
/// (weights file, or the definition of a classical featurizer), the pooling, and what happens to
/// over-long input. Store it, or at least <see cref="ModelHash"/>, with every vector.
/// </summary>
public sealed record EmbedderDescriptor(string Name, int Dimension, string ModelHash, EmbeddingPooling Pooling, string TruncationPolicy)
{
    /// <summary>Key under which every <see cref="Microsoft.Extensions.AI.Embedding"/> carries the model hash.</summary>
    public const string ModelHashProperty = "model_hash";
}
