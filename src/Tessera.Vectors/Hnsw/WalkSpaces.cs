using System.Runtime.CompilerServices;
using Tessera.Vectors.Kernels;

namespace Tessera.Vectors.Hnsw;

/// <summary>
/// What a graph walk reads per node and how it compares the query's row with it, as a struct so each space gets its
/// own compiled walk. Only the order of distances matters to a walk, so quantized spaces skip constant factors.
/// </summary>
internal unsafe interface IWalkSpace
{
    static abstract byte* Row(in NodeView nodes, int id);

    static abstract float Between(byte* query, byte* row, int length);
}

/// <summary>The float32 vectors, compared with <typeparamref name="TDistance"/>; length is the dimension.</summary>
internal readonly unsafe struct FloatSpace<TDistance> : IWalkSpace
    where TDistance : IDistance
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static byte* Row(in NodeView nodes, int id) => (byte*)nodes.Vector(id);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Between(byte* query, byte* row, int length) => TDistance.Between((float*)query, (float*)row, length);
}

/// <summary>The 8-bit codes under squared L2 (the scale squared left out); length is the padded code length.</summary>
internal readonly unsafe struct CodeL2Space : IWalkSpace
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static byte* Row(in NodeView nodes, int id) => (byte*)nodes.Code(id);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Between(byte* query, byte* row, int length) => QuantizedKernels.SquaredL2((sbyte*)query, (sbyte*)row, length);
}

/// <summary>The 8-bit codes under the negated inner product (1 − s²·dot orders as −dot); length is the padded code length.</summary>
internal readonly unsafe struct CodeDotSpace : IWalkSpace
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static byte* Row(in NodeView nodes, int id) => (byte*)nodes.Code(id);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Between(byte* query, byte* row, int length) => -QuantizedKernels.Dot((sbyte*)query, (sbyte*)row, length);
}
