namespace Tessera.Vectors.Collections;

/// <summary>
/// The vectors of a collection made by one embedder (name and model hash), which share a dimension and get one index.
/// A collection has a partition per embedder its data was embedded with.
/// </summary>
public sealed record VectorPartition(string Embedder, string ModelHash, int Dimension)
{
    /// <summary>A file-safe key: the embedder name and the start of the model hash.</summary>
    public string Key => $"{Embedder}-{ModelHash[..Math.Min(16, ModelHash.Length)]}";
}
