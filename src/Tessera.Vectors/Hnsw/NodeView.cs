using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Tessera.Vectors.Hnsw;

/// <summary>
/// Addresses node fields through one <see cref="NodeTable"/>. Searches copy it into a local, so the hot loop
/// keeps the strides and the segment table in registers instead of reloading them through the index.
/// </summary>
internal readonly unsafe struct NodeView
{
    private readonly NodeSegment[] _segments;
    private readonly int _bits;
    private readonly int _mask;
    private readonly int _linkStride;
    private readonly int _vectorStride;
    private readonly int _codeStride;

    public NodeView(NodeTable table, NodeLayout layout, int segmentBits)
    {
        _segments = table.Segments;
        _bits = segmentBits;
        _mask = (1 << segmentBits) - 1;
        _linkStride = layout.LinkStride;
        _vectorStride = layout.VectorStride;
        _codeStride = layout.CodeStride;
        Capacity = table.Capacity;
    }

    /// <summary>Every id below it is addressable.</summary>
    public int Capacity { get; }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int* Header(int id) => (int*)Segment(id).Headers + (id & _mask);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int* Links(int id) => (int*)(Segment(id).Links + (nint)(id & _mask) * _linkStride);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float* Vector(int id) => (float*)(Segment(id).Vectors + (nint)(id & _mask) * _vectorStride);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public sbyte* Code(int id) => (sbyte*)(Segment(id).Codes + (nint)(id & _mask) * _codeStride);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long* Label(int id) => (long*)(Segment(id).Meta + (nint)(id & _mask) * NodeLayout.MetaStride);

    /// <summary>The upper-links pointer (in a snapshot file: the offset into its upper region).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public nint* Upper(int id) => (nint*)(Segment(id).Meta + (nint)(id & _mask) * NodeLayout.MetaStride + NodeLayout.UpperOffset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ref NodeSegment Segment(int id) => ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_segments), id >> _bits);
}
