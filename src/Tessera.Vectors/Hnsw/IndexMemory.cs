namespace Tessera.Vectors.Hnsw;

/// <summary>
/// Bytes an index holds: <paramref name="GraphBytes"/> (links, headers, labels, locks), <paramref name="QuantizedBytes"/>
/// (8-bit copies; 0 without quantization) and <paramref name="VectorBytes"/> (float32 vectors, padded rows).
/// </summary>
public sealed record IndexMemory(long GraphBytes, long QuantizedBytes, long VectorBytes)
{
    public long TotalBytes => GraphBytes + QuantizedBytes + VectorBytes;
}
