namespace Tessera.Vectors.Hnsw;

/// <summary>
/// The per-node fields of level 0, kept in parallel regions of the node store rather than one
/// interleaved record, so a search touches only what it needs and each vector starts on a cache line:
/// <code>
///   header   int32                 link count (bits 0–15), top level (bits 16–23), Ready and Deleted flags
///   links    int32 × maxM0         level-0 neighbour ids
///   vector   float32 × dimension   padded to <see cref="VectorStride"/>
///   meta     int64 label, then the upper-links pointer (null for nodes on level 0 only)
///   codes    int8 × dimension      the quantized copy (sq8 only), padded to 64 bytes with zeros
/// </code>
/// </summary>
internal readonly struct NodeLayout
{
    public const int CountMask = 0xFFFF;
    public const int LevelShift = 16;
    public const int LevelMask = 0xFF;
    public const int ReadyFlag = 1 << 29;
    public const int DeletedFlag = 1 << 30;
    public const int MaxLevel = LevelMask;

    public const int HeaderStride = 4;
    public const int MetaStride = 16;
    public const int UpperOffset = 8;

    private const int CacheLine = 64;

    public NodeLayout(int dimension, int m, VectorQuantization quantization = VectorQuantization.None)
    {
        Dimension = dimension;
        M = m;
        MaxM0 = 2 * m;
        LinkStride = 4 * MaxM0;
        VectorStride = PaddedVectorBytes(dimension);
        UpperLevelBytes = 4 * (1 + m);
        CodeStride = quantization == VectorQuantization.Sq8 ? (dimension + CacheLine - 1) / CacheLine * CacheLine : 0;
    }

    public int Dimension { get; }
    public int M { get; }
    public int MaxM0 { get; }
    public int LinkStride { get; }
    public int VectorStride { get; }

    /// <summary>Bytes of one quantized row (0 without quantization); a multiple of 64, as the integer kernels need.</summary>
    public int CodeStride { get; }

    /// <summary>Bytes of all level-0 fields of one node.</summary>
    public int NodeBytes => HeaderStride + LinkStride + VectorStride + MetaStride + CodeStride;

    /// <summary>Bytes of one upper level's link list: a count and M ids.</summary>
    public int UpperLevelBytes { get; }

    /// <summary>The stride of each region, in <see cref="NodeRegion"/> order.</summary>
    public int StrideOf(NodeRegion region) => region switch
    {
        NodeRegion.Headers => HeaderStride,
        NodeRegion.Links => LinkStride,
        NodeRegion.Vectors => VectorStride,
        NodeRegion.Meta => MetaStride,
        _ => CodeStride,
    };

    public static int CountOf(int header) => header & CountMask;

    public static int LevelOf(int header) => (header >> LevelShift) & LevelMask;

    /// <summary>
    /// Vector rows are padded so none straddles more cache lines than it fills: to a whole number of lines,
    /// or for vectors under one line to a power of two that divides it.
    /// </summary>
    private static int PaddedVectorBytes(int dimension)
    {
        var bytes = 4 * dimension;
        if (bytes >= CacheLine) return (bytes + CacheLine - 1) / CacheLine * CacheLine;
        var padded = 4;
        while (padded < bytes) padded *= 2;
        return padded;
    }
}

/// <summary>The regions of the node store, in the order they are stored in a snapshot.</summary>
internal enum NodeRegion
{
    Headers,
    Links,
    Vectors,
    Meta,
    Codes,
}
