using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Tessera.Vectors.Hnsw;

/// <summary>
/// The level-0 fields of every node, in segments of pinned memory of 2^<see cref="SegmentBits"/> nodes. Each
/// segment holds the <see cref="NodeRegion"/>s, each starting on a cache line. A segment never moves, so
/// readers keep raw pointers into it without locks; growing only appends segments (or replaces the last,
/// partly sized one, which stays alive for readers that still hold it). With <see cref="VectorStorage.MemoryMapped"/>,
/// each segment's vectors region is a <see cref="MappedRegion"/> instead.
/// </summary>
internal sealed unsafe class NodeStore
{
    /// <summary>Segments stay within 1 GiB, well below the 2 GiB limit of one array.</summary>
    public const long DefaultMaxSegmentBytes = 1L << 30;

    private const int Alignment = 64;
    private static readonly NodeRegion[] Regions = Enum.GetValues<NodeRegion>();

    private readonly NodeLayout _layout;
    private readonly string? _mappedDirectory;
    private readonly bool _mapVectors;
    private readonly List<SegmentMemory> _retired = [];
    private SegmentMemory[] _memory = [];
    private int[] _nodes = [];
    private NodeTable _table = new([], 0);

    public NodeStore(
        NodeLayout layout, int capacity, long maxSegmentBytes = DefaultMaxSegmentBytes,
        VectorStorage vectorStorage = VectorStorage.Resident, string? mappedDirectory = null)
    {
        _layout = layout;
        _mapVectors = vectorStorage == VectorStorage.MemoryMapped;
        _mappedDirectory = mappedDirectory;
        // The largest power-of-two node count (2^8 to 2^20) whose segment fits maxSegmentBytes.
        SegmentBits = 20;
        while (SegmentBits > 8 && ((long)layout.NodeBytes << SegmentBits) > maxSegmentBytes) SegmentBits--;
        Grow(Math.Max(capacity, 1));
    }

    public int SegmentBits { get; }

    public int Capacity => Volatile.Read(ref _table).Capacity;

    /// <summary>Bytes held by the live segments, memory-mapped vectors included.</summary>
    public long AllocatedBytes { get; private set; }

    /// <summary>Whether the vectors regions are memory-mapped files rather than resident memory.</summary>
    public bool VectorsMapped => _mapVectors;

    /// <summary>Bytes of the live segments' mapped vectors the kernel holds in memory now (-1 where it cannot be told).</summary>
    public long MappedResidentBytes
    {
        get
        {
            long resident = 0;
            foreach (var memory in _memory)
            {
                if (memory.MappedVectors is not { } mapped) continue;
                var bytes = mapped.ResidentBytes;
                if (bytes < 0) return -1;
                resident += bytes;
            }
            return resident;
        }
    }

    /// <summary>
    /// The current segments, for addressing nodes in a hot loop: one read gives segments and capacity together,
    /// so every id below the view's capacity lies in its segments.
    /// </summary>
    public NodeView View => new(Volatile.Read(ref _table), _layout, SegmentBits);

    /// <summary>Makes room for <paramref name="capacity"/> nodes. The caller must exclude concurrent writers.</summary>
    public void Grow(int capacity)
    {
        var table = _table;
        if (capacity <= table.Capacity) return;
        var perSegment = 1 << SegmentBits;
        var segmentCount = (int)(((long)capacity + perSegment - 1) >> SegmentBits);
        var memory = new SegmentMemory[segmentCount];
        var nodes = new int[segmentCount];
        var segments = new NodeSegment[segmentCount];
        for (var s = 0; s < segmentCount; s++)
        {
            var wanted = (int)Math.Min(perSegment, (long)capacity - ((long)s << SegmentBits));
            if (s < _memory.Length && _nodes[s] >= wanted)
            {
                (memory[s], nodes[s], segments[s]) = (_memory[s], _nodes[s], table.Segments[s]);
                continue;
            }
            (memory[s], segments[s]) = Allocate(wanted);
            nodes[s] = wanted;
            AllocatedBytes += memory[s].Bytes;
            if (s >= _memory.Length) continue;
            foreach (var region in Regions)
            {
                var bytes = (long)_nodes[s] * _layout.StrideOf(region);
                Buffer.MemoryCopy(table.Segments[s].Start(region), segments[s].Start(region), bytes, bytes);
            }
            _retired.Add(_memory[s]);
            AllocatedBytes -= _memory[s].Bytes;
        }
        (_memory, _nodes) = (memory, nodes);
        Volatile.Write(ref _table, new NodeTable(segments, capacity));
    }

    /// <summary>The bytes of one region for nodes [first, first + count), which must lie in one segment.</summary>
    public Span<byte> Region(NodeRegion region, int first, int count)
    {
        var stride = _layout.StrideOf(region);
        var start = _table.Segments[first >> SegmentBits].Start(region) + (long)(first & ((1 << SegmentBits) - 1)) * stride;
        return new Span<byte>(start, checked(count * stride));
    }

    /// <summary>How many nodes from <paramref name="first"/> on share its segment.</summary>
    public int RunLength(int first) => (int)Math.Min(((long)(first >> SegmentBits) + 1 << SegmentBits) - first, Capacity - (long)first);

    /// <summary>
    /// A pinned array holding the regions of <paramref name="nodes"/> nodes, each cache-line aligned; with mapped vectors,
    /// their region is a mapped file of its own.
    /// </summary>
    private (SegmentMemory Memory, NodeSegment Segment) Allocate(int nodes)
    {
        var sizes = new long[Regions.Length];
        long total = Alignment;
        foreach (var region in Regions)
        {
            if (region == NodeRegion.Vectors && _mapVectors) continue;
            sizes[(int)region] = ((long)nodes * _layout.StrideOf(region) + Alignment - 1) & ~(long)(Alignment - 1);
            total += sizes[(int)region];
        }
        var mapped = _mapVectors ? MappedRegion.Create(_mappedDirectory, (long)nodes * _layout.VectorStride) : null;
        // Uninitialized, so the huge-page advice comes before the first touch; the clear then faults the pages in.
        var array = GC.AllocateUninitializedArray<byte>(checked((int)total), pinned: true);
        var address = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(array));
        MemoryAdvice.HugePages(address, total);
        array.AsSpan().Clear();
        var start = (byte*)((address + Alignment - 1) & ~(nint)(Alignment - 1));
        var headers = start;
        var links = headers + sizes[(int)NodeRegion.Headers];
        var vectors = links + sizes[(int)NodeRegion.Links];
        var meta = vectors + sizes[(int)NodeRegion.Vectors];
        var codes = meta + sizes[(int)NodeRegion.Meta];
        return (new SegmentMemory(array, mapped), new NodeSegment(headers, links, mapped is null ? vectors : mapped.Start, meta, codes));
    }
}

/// <summary>What backs one segment: its pinned array and, with mapped vectors, their mapping.</summary>
internal sealed record SegmentMemory(byte[] Array, MappedRegion? MappedVectors)
{
    public long Bytes => Array.LongLength + (MappedVectors?.Length ?? 0);
}

/// <summary>The region starts of one store segment.</summary>
internal readonly unsafe struct NodeSegment(byte* headers, byte* links, byte* vectors, byte* meta, byte* codes)
{
    public readonly byte* Headers = headers;
    public readonly byte* Links = links;
    public readonly byte* Vectors = vectors;
    public readonly byte* Meta = meta;
    public readonly byte* Codes = codes;

    public byte* Start(NodeRegion region) => region switch
    {
        NodeRegion.Headers => Headers,
        NodeRegion.Links => Links,
        NodeRegion.Vectors => Vectors,
        NodeRegion.Meta => Meta,
        _ => Codes,
    };
}

/// <summary>The segments and the capacity they cover, published together.</summary>
internal sealed class NodeTable(NodeSegment[] segments, int capacity)
{
    public NodeSegment[] Segments { get; } = segments;
    public int Capacity { get; } = capacity;
}
