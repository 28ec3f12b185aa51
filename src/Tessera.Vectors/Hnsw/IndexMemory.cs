namespace Tessera.Vectors.Hnsw;

/// <summary>
/// Bytes an index holds: <paramref name="GraphBytes"/> (links, headers, labels, locks), <paramref name="QuantizedBytes"/>
/// (8-bit copies; 0 without quantization) and <paramref name="VectorBytes"/> (float32 vectors, padded rows), which
/// live in memory-mapped files when <paramref name="VectorsMapped"/>; of those, <paramref name="MappedVectorBytesInMemory"/>
/// are in the page cache now (-1 where that cannot be told).
/// </summary>
public sealed record IndexMemory(long GraphBytes, long QuantizedBytes, long VectorBytes, bool VectorsMapped = false, long MappedVectorBytesInMemory = 0)
{
    public long TotalBytes => GraphBytes + QuantizedBytes + VectorBytes;

    /// <summary>
    /// What must stay in the process's memory: everything but memory-mapped vectors, whose pages the kernel reads in for
    /// re-ranking and drops again under memory pressure.
    /// </summary>
    public long ResidentBytes => VectorsMapped ? GraphBytes + QuantizedBytes : TotalBytes;
}
