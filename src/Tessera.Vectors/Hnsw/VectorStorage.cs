namespace Tessera.Vectors.Hnsw;

/// <summary>Where an HNSW index keeps its float32 vectors.</summary>
public enum VectorStorage
{
    /// <summary>In the index's own memory, next to the graph.</summary>
    Resident = 0,

    /// <summary>
    /// In a memory-mapped file (unlinked once mapped, so nothing is left behind). With <see cref="VectorQuantization.Sq8"/>
    /// only re-ranking reads them, a few rows per query, so the kernel keeps just those pages and can drop them under
    /// memory pressure: what must stay resident is the graph and the 8-bit codes.
    /// </summary>
    MemoryMapped = 1,
}
