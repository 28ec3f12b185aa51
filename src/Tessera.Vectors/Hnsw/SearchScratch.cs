using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Tessera.Vectors.Kernels;

namespace Tessera.Vectors.Hnsw;

/// <summary>
/// Per-thread working memory of a search or insert, reused so that a query allocates nothing in the hot
/// loop.
/// </summary>
internal sealed class SearchScratch
{
    [ThreadStatic]
    private static SearchScratch? t_current;

    private ulong[] _visited = [];
    private Candidate[] _ordered = new Candidate[256];
    private Candidate[] _chosen = new Candidate[64];
    private Candidate[] _repair = new Candidate[64];
    private Candidate[] _shortlist = new Candidate[64];
    private sbyte[] _code = [];

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

    /// <summary>The quantized query, pinned; its length is a whole number of 64-byte lines.</summary>
    public sbyte[] CodeBuffer(int length)
    {
        if (_code.Length < length) _code = GC.AllocateArray<sbyte>(length, pinned: true);
        return _code;
    }

    /// <summary>A copy of a quantized walk's best candidates, so the result heap can collect their exact distances.</summary>
    public ReadOnlySpan<Candidate> Shortlist(ReadOnlySpan<Candidate> candidates)
    {
        var buffer = Ensure(ref _shortlist, candidates.Length);
        candidates.CopyTo(buffer);
        return buffer.AsSpan(0, candidates.Length);
    }

    /// <summary>The heuristic's candidates, sorted closest first.</summary>
    public Candidate[] OrderedBuffer(int size) => Ensure(ref _ordered, size);

    /// <summary>The neighbours the heuristic chose for a new node.</summary>
    public Candidate[] ChosenBuffer(int size) => Ensure(ref _chosen, size);

    /// <summary>Output of the heuristic when it prunes a neighbour's full link list (while the chosen buffer is in use).</summary>
    public Candidate[] RepairBuffer(int size) => Ensure(ref _repair, size);

    /// <summary>
    /// Starts an empty visited set for ids below <paramref name="capacity"/> and returns its first word. One bit per
    /// node keeps the set small enough to stay in the L1/L2 cache while vectors stream through, and clearing it costs
    /// a few microseconds even at millions of nodes, far less than the search.
    /// </summary>
    public ref ulong BeginVisit(int capacity)
    {
        var words = (capacity >> 6) + 1;
        if (_visited.Length < words) _visited = new ulong[words + (words >> 2)];
        else Array.Clear(_visited, 0, words);
        return ref MemoryMarshal.GetArrayDataReference(_visited);
    }

    /// <summary>Marks <paramref name="id"/> visited; false when it already was.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryVisit(ref ulong visited, int id)
    {
        ref var word = ref Unsafe.Add(ref visited, id >> 6);
        var bit = 1UL << id;
        if ((word & bit) != 0) return false;
        word |= bit;
        return true;
    }

    private static Candidate[] Ensure(ref Candidate[] buffer, int size)
    {
        if (buffer.Length < size) buffer = new Candidate[size * 2];
        return buffer;
    }
}
