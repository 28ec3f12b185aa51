using Tessera.Core.Errors;

namespace Tessera.Vectors.Hnsw;

/// <summary>Parameters of an HNSW graph, named as in Malkov &amp; Yashunin and hnswlib.</summary>
public sealed record HnswOptions
{
    /// <summary>Links per node on the upper levels; level 0 keeps twice as many.</summary>
    public int M { get; init; } = 16;

    /// <summary>Candidate list size while inserting: larger builds slower and finds better neighbours.</summary>
    public int EfConstruction { get; init; } = 200;

    /// <summary>Candidate list size while searching when the caller does not give one.</summary>
    public int EfSearch { get; init; } = 64;

    /// <summary>Seed of the level generator: the same seed and insertion order give the same graph.</summary>
    public ulong Seed { get; init; } = 100;

    /// <summary>
    /// A filtered search whose filter admits at most this fraction of the live items scans the admitted
    /// items exactly instead of walking the graph, where too few admitted neighbours would hurt recall.
    /// </summary>
    public double ExactSearchSelectivity { get; init; } = 0.03;

    /// <summary>What the graph walk reads: the float32 vectors, or an 8-bit copy with exact re-ranking.</summary>
    public VectorQuantization Quantization { get; init; } = VectorQuantization.None;

    /// <summary>With quantization, this many times k of the walk's best candidates are re-ranked with the float32 vectors.</summary>
    public int RerankMultiple { get; init; } = 4;

    /// <summary>Where the float32 vectors live; <see cref="VectorStorage.MemoryMapped"/> needs <see cref="VectorQuantization.Sq8"/>.</summary>
    public VectorStorage Float32Storage { get; init; } = VectorStorage.Resident;

    /// <summary>The folder of the memory-mapped vector files (the system's temporary folder when null).</summary>
    public string? MappedFileDirectory { get; init; }

    /// <summary>Level-0 links per node (2·M, as in hnswlib).</summary>
    public int MaxM0 => 2 * M;

    public void Validate()
    {
        if (M is < 2 or > 1024) throw TesseraException.Validation($"M must be between 2 and 1024 (got {M}).");
        if (EfConstruction < 1) throw TesseraException.Validation($"efConstruction must be positive (got {EfConstruction}).");
        if (EfSearch < 1) throw TesseraException.Validation($"ef must be positive (got {EfSearch}).");
        if (!Enum.IsDefined(Quantization)) throw TesseraException.Validation($"Unknown quantization {(int)Quantization}.");
        if (!Enum.IsDefined(Float32Storage)) throw TesseraException.Validation($"Unknown float32 storage {(int)Float32Storage}.");
        if (Float32Storage == VectorStorage.MemoryMapped && Quantization != VectorQuantization.Sq8)
            throw TesseraException.Validation("Memory-mapped float32 vectors need sq8 quantization: without it the graph walk reads every vector it visits from the file.");
        if (RerankMultiple is < 1 or > 1024) throw TesseraException.Validation($"The re-rank multiple must be between 1 and 1024 (got {RerankMultiple}).");
        if (ExactSearchSelectivity is < 0 or > 1) throw TesseraException.Validation($"The exact-search selectivity must lie in [0, 1] (got {ExactSearchSelectivity}).");
    }
}
