namespace Tessera.Vectors.Hnsw;

/// <summary>
/// Byte layout of one level-0 record, the fixed-stride unit of the node store (as in hnswlib):
/// <code>[header:int32][links:int32 × maxM0][vector:float32 × dimension][label:int64][upper links:pointer]</code>
/// The header packs the link count (bits 0–15), the node's top level (bits 16–23) and the Ready and
/// Deleted flags. The upper-links pointer is null for nodes that live on level 0 only.
/// </summary>
internal readonly struct NodeLayout
{
    public const int CountMask = 0xFFFF;
    public const int LevelShift = 16;
    public const int LevelMask = 0xFF;
    public const int ReadyFlag = 1 << 29;
    public const int DeletedFlag = 1 << 30;
    public const int MaxLevel = LevelMask;

    public NodeLayout(int dimension, int m)
    {
        Dimension = dimension;
        M = m;
        MaxM0 = 2 * m;
        VectorOffset = 4 + 4 * MaxM0;
        LabelOffset = VectorOffset + 4 * dimension;
        UpperOffset = LabelOffset + 8;
        Stride = UpperOffset + 8;
        UpperLevelBytes = 4 * (1 + m);
    }

    public int Dimension { get; }
    public int M { get; }
    public int MaxM0 { get; }
    public int VectorOffset { get; }
    public int LabelOffset { get; }
    public int UpperOffset { get; }
    public int Stride { get; }

    /// <summary>Bytes of one upper level's link list: a count and M ids.</summary>
    public int UpperLevelBytes { get; }

    public static int CountOf(int header) => header & CountMask;

    public static int LevelOf(int header) => (header >> LevelShift) & LevelMask;
}
