namespace Tessera.Vectors.Hnsw;

/// <summary>How an HNSW index stores the copy of each vector its graph walk reads.</summary>
public enum VectorQuantization
{
    /// <summary>The walk reads the float32 vectors themselves.</summary>
    None = 0,

    /// <summary>
    /// The walk reads an 8-bit scalar-quantized copy (a quarter of the bytes, integer distance kernels) and the best
    /// candidates are re-ranked with the float32 vectors.
    /// </summary>
    Sq8 = 1,
}
