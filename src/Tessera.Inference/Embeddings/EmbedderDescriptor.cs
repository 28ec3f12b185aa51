namespace Tessera.Inference.Embeddings;

/// <summary>How per-token states become one vector.</summary>
public enum EmbeddingPooling
{
    /// <summary>Mean over residue states, BOS/EOS excluded (ESM-2).</summary>
    MeanOverResidues,

    /// <summary>The vector is computed from the whole sequence directly (classical descriptors).</summary>
    WholeSequence,

    /// <summary>Mean over the token states the attention mask admits, [CLS] and [SEP] included (sentence-transformers).</summary>
    MeanOverTokens,

    /// <summary>The [CLS] token's state (snowflake-arctic-embed).</summary>
    ClsToken,

    /// <summary>The network's global average pool over the image (ResNet).</summary>
    GlobalAveragePool,

    /// <summary>Whatever the remote server's model does; Tessera only sees the vector.</summary>
    RemoteDefined,
}

/// <summary>What an embedder takes as input.</summary>
public enum EmbeddingModality
{
    Text,
    ProteinSequence,
    Image,
}

/// <summary>Where an embedder's vectors come from: trained weights, or a fixed hand-written featurizer.</summary>
public enum EmbedderOrigin
{
    Pretrained,
    Classical,

    /// <summary>Computed by another server (an OpenAI-compatible embeddings endpoint).</summary>
    Remote,
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

    /// <summary>Key under which a text vector records what its input's length did to it (<see cref="Text.LengthHandling"/>).</summary>
    public const string LengthHandlingProperty = "length_handling";

    public EmbeddingModality Modality { get; init; } = EmbeddingModality.Text;

    public EmbedderOrigin Origin { get; init; } = EmbedderOrigin.Pretrained;

    /// <summary>Where the weights were read from (file paths, or a resource inside a package's file), for operators.</summary>
    public IReadOnlyList<string> Sources { get; init; } = [];
}
