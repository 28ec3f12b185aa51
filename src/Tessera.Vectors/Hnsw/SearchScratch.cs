using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Tessera.Vectors.Kernels;

namespace Tessera.Vectors.Hnsw;

/// <summary>
/// Per-thread working memory of a search or insert, reused so that a query allocates nothing in the hot
/// loop. The visited set is an array of generation tags: starting a search bumps the tag instead of
/// clearing the array.
/// </summary>
internal sealed class SearchScratch
{
    [ThreadStatic]
    private static SearchScratch? t_current;

    private ushort[] _visited = [];
    private ushort _tag;
    private Candidate[] _ordered = new Candidate[256];
    private Candidate[] _chosen = new Candidate[64];
    private Candidate[] _repair = new Candidate[64];

    public MinCandidateHeap Candidates { get; } = new(256);
    public MaxCandidateHeap Results { get; } = new(256);

    /// <summary>Working heap of the neighbour-selection heuristic.</summary>
    public MaxCandidateHeap Selection { get; } = new(64);

    /// <summary>The prepared query (normalized for cosine), pinned so kernels can take its address.</summary>
    public float[] Query { get; private set; } = [];

    public static SearchScratch ForCurrentThread() => t_current ??= new SearchScratch();

    public float[] QueryBuffer(int dimension)
    {
        if (Query.Length < dimension) Query = GC.AllocateArray<float>(dimension, pinned: true);
        return Query;
    }

    /// <summary>The heuristic's candidates, sorted closest first.</summary>
    public Candidate[] OrderedBuffer(int size) => Ensure(ref _ordered, size);

    /// <summary>The neighbours the heuristic chose for a new node.</summary>
    public Candidate[] ChosenBuffer(int size) => Ensure(ref _chosen, size);

    /// <summary>Output of the heuristic when it prunes a neighbour's full link list (while the chosen buffer is in use).</summary>
    public Candidate[] RepairBuffer(int size) => Ensure(ref _repair, size);

    /// <summary>Starts a new visited set able to hold ids below <paramref name="capacity"/>; returns its tag.</summary>
    public ushort BeginVisit(int capacity)
    {
        if (_visited.Length < capacity)
        {
            _visited = new ushort[capacity + (capacity >> 2)];
            _tag = 0;
        }
        if (++_tag == 0)
        {
            Array.Clear(_visited);
            _tag = 1;
        }
        return _tag;
    }

    /// <summary>The visited tags; an id is visited in the current search when its entry equals the current tag.</summary>
    public ref ushort VisitedTags => ref MemoryMarshal.GetArrayDataReference(_visited);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryVisit(ref ushort tags, int id, ushort tag)
    {
        ref var slot = ref Unsafe.Add(ref tags, id);
        if (slot == tag) return false;
        slot = tag;
        return true;
    }

    private static Candidate[] Ensure(ref Candidate[] buffer, int size)
    {
        if (buffer.Length < size) buffer = new Candidate[size * 2];
        return buffer;
    }
}
