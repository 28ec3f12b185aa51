using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Tessera.Vectors.Hnsw;

/// <summary>
/// The level-0 records in fixed-stride segments of pinned memory. A segment never moves, so readers keep
/// raw pointers into it without locks; growing only appends segments (or replaces the last, partly
/// sized one, which stays alive for readers that still hold it).
/// </summary>
internal sealed unsafe class NodeStore
{
    /// <summary>Segments stay within 1 GiB, well below the 2 GiB limit of one array.</summary>
    public const long DefaultMaxSegmentBytes = 1L << 30;

    private readonly List<byte[]> _retired = [];
    private byte[][] _segments = [];
    private nint[] _pointers = [];

    public NodeStore(int stride, int capacity, long maxSegmentBytes = DefaultMaxSegmentBytes)
    {
        Stride = stride;
        // The largest power-of-two node count (2^8 to 2^20) whose segment fits maxSegmentBytes.
        SegmentBits = 20;
        while (SegmentBits > 8 && ((long)stride << SegmentBits) > maxSegmentBytes) SegmentBits--;
        Grow(Math.Max(capacity, 1));
    }

    public int Stride { get; }
    public int SegmentBits { get; }
    public int Capacity { get; private set; }

    /// <summary>Bytes held by the live segments.</summary>
    public long AllocatedBytes => (long)Capacity * Stride;

    /// <summary>The segment base pointers; searches read it once and address records through <see cref="Record(nint[], int)"/>.</summary>
    public nint[] Pointers => Volatile.Read(ref _pointers);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public byte* Record(int id) => Record(Pointers, id);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public byte* Record(nint[] pointers, int id)
    {
        var segment = Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(pointers), id >> SegmentBits);
        return (byte*)segment + (nint)(id & ((1 << SegmentBits) - 1)) * Stride;
    }

    /// <summary>Makes room for <paramref name="capacity"/> nodes. The caller must exclude concurrent writers.</summary>
    public void Grow(int capacity)
    {
        if (capacity <= Capacity) return;
        var perSegment = 1 << SegmentBits;
        var segmentCount = (int)(((long)capacity + perSegment - 1) >> SegmentBits);
        var segments = new byte[segmentCount][];
        var pointers = new nint[segmentCount];
        for (var s = 0; s < segmentCount; s++)
        {
            var nodes = (int)Math.Min(perSegment, (long)capacity - ((long)s << SegmentBits));
            var bytes = (long)nodes * Stride;
            var existing = s < _segments.Length ? _segments[s] : null;
            if (existing is not null && existing.LongLength >= bytes)
            {
                segments[s] = existing;
            }
            else
            {
                segments[s] = GC.AllocateArray<byte>(checked((int)bytes), pinned: true);
                if (existing is not null)
                {
                    existing.CopyTo(segments[s], 0);
                    _retired.Add(existing);
                }
            }
            pointers[s] = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(segments[s]));
        }
        _segments = segments;
        Volatile.Write(ref _pointers, pointers);
        Capacity = capacity;
    }

    /// <summary>The bytes of records [first, first + count), which must lie in one segment.</summary>
    public Span<byte> Records(int first, int count) => new(Record(first), checked(count * Stride));

    /// <summary>How many records from <paramref name="first"/> on share its segment.</summary>
    public int RunLength(int first) => (int)Math.Min(((long)(first >> SegmentBits) + 1 << SegmentBits) - first, Capacity - (long)first);
}
