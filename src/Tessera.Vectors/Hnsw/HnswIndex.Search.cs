using System.Runtime.CompilerServices;
using Tessera.Core.Errors;
using Tessera.Vectors.Kernels;

namespace Tessera.Vectors.Hnsw;

public sealed unsafe partial class HnswIndex
{
    private const int SelectivitySamples = 512;

    /// <summary>
    /// The <paramref name="k"/> approximate nearest neighbours of <paramref name="query"/>, closest first.
    /// <paramref name="ef"/> is the candidate list size (at least k); <see cref="HnswOptions.EfSearch"/> when null.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public SearchHit[] Search(ReadOnlySpan<float> query, int k, int? ef = null)
    {
        ValidateQuery(query, k);
        var hits = Volatile.Read(ref _deleted) == 0
            ? SearchGraph(query, k, ef, default(AllNodes))
            : SearchGraph(query, k, ef, default(LiveNodes));
        // The walk reads through raw pointers; the index must outlive it, or memory-mapped vectors could be unmapped under it.
        GC.KeepAlive(this);
        return hits;
    }

    /// <summary>
    /// The <paramref name="k"/> nearest neighbours among the ids <paramref name="filter"/> admits. The filter runs
    /// during the walk: rejected nodes still route the search but are never returned. When a sample says the
    /// filter admits at most <see cref="HnswOptions.ExactSearchSelectivity"/> of the items, the admitted items are
    /// scanned exactly instead, because a graph walk finds too few of them to keep recall.
    /// </summary>
    public SearchHit[] Search<TFilter>(ReadOnlySpan<float> query, int k, TFilter filter, int? ef = null)
        where TFilter : ISearchFilter
    {
        ValidateQuery(query, k);
        var hits = SearchFiltered(query, k, filter, ef);
        GC.KeepAlive(this);
        return hits;
    }

    private SearchHit[] SearchFiltered<TFilter>(ReadOnlySpan<float> query, int k, TFilter filter, int? ef)
        where TFilter : ISearchFilter
    {
        if (typeof(TFilter) == typeof(SetFilter))
        {
            // A set knows its size exactly, and a small one is cheaper to look up than to scan for.
            var allowed = Unsafe.As<TFilter, SetFilter>(ref filter).Allowed;
            if (allowed.Count <= Options.ExactSearchSelectivity * Count) return SearchExactAmong(query, k, allowed);
        }
        var admitted = new LiveAndAllowed<TFilter>(filter);
        return EstimateSelectivity(admitted) <= Options.ExactSearchSelectivity
            ? SearchExact(query, k, admitted)
            : SearchGraph(query, k, ef, admitted);
    }

    /// <summary>Searches every row of <paramref name="queries"/> (row-major) on <paramref name="threads"/> threads (0: all cores).</summary>
    public SearchHit[][] SearchBatch(ReadOnlyMemory<float> queries, int k, int? ef = null, int threads = 0)
    {
        if (queries.Length % Dimension != 0) throw TesseraException.Validation($"{queries.Length} values do not form queries of {Dimension} dimensions.");
        var results = new SearchHit[queries.Length / Dimension][];
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = threads <= 0 ? Environment.ProcessorCount : threads };
        if (parallel.MaxDegreeOfParallelism == 1)
        {
            for (var i = 0; i < results.Length; i++) results[i] = Search(queries.Span.Slice(i * Dimension, Dimension), k, ef);
        }
        else
        {
            Parallel.For(0, results.Length, parallel, i => results[i] = Search(queries.Span.Slice(i * Dimension, Dimension), k, ef));
        }
        return results;
    }

    /// <summary>The share of live items a filter admits, from an evenly spaced sample of nodes.</summary>
    internal double EstimateSelectivity<TFilter>(TFilter filter)
        where TFilter : INodeFilter
    {
        var nodes = _store.View;
        var count = Math.Min(Reserved, nodes.Capacity);
        if (count == 0) return 0;
        var step = Math.Max(1, count / SelectivitySamples);
        int live = 0, admitted = 0;
        for (var id = 0; id < count; id += step)
        {
            var header = Volatile.Read(ref *nodes.Header(id));
            if ((header & NodeLayout.ReadyFlag) == 0 || (header & NodeLayout.DeletedFlag) != 0) continue;
            live++;
            if (filter.Admits(nodes, id)) admitted++;
        }
        return live == 0 ? 0 : (double)admitted / live;
    }

    /// <summary>Exact top-k over the live nodes with the given labels.</summary>
    private SearchHit[] SearchExactAmong(ReadOnlySpan<float> query, int k, IReadOnlySet<long> labels)
    {
        var ids = new List<int>(labels.Count);
        lock (_labelLock)
        {
            foreach (var label in labels)
            {
                if (_labels.TryGetValue(label, out var id)) ids.Add(id);
            }
        }
        // Ascending ids walk the store in address order.
        ids.Sort();
        return Metric == DistanceMetric.L2
            ? SearchExactAmong<SquaredL2Distance>(query, k, ids)
            : SearchExactAmong<InnerProductDistance>(query, k, ids);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private SearchHit[] SearchExactAmong<TDistance>(ReadOnlySpan<float> query, int k, List<int> ids)
        where TDistance : IDistance
    {
        var scratch = SearchScratch.ForCurrentThread();
        // Read after the ids: every registered id lies in the store this view covers.
        var nodes = _store.View;
        var results = scratch.Results;
        results.Clear();
        fixed (float* q = PrepareQuery(scratch, query))
        {
            foreach (var id in ids)
            {
                if ((Volatile.Read(ref *nodes.Header(id)) & NodeLayout.DeletedFlag) != 0) continue;
                Offer(results, k, TDistance.Between(q, nodes.Vector(id), Dimension), id);
            }
        }
        return TakeClosest(scratch, results, k, nodes);
    }

    /// <summary>Exact top-k over every node the filter admits.</summary>
    internal SearchHit[] SearchExact<TFilter>(ReadOnlySpan<float> query, int k, TFilter filter)
        where TFilter : INodeFilter =>
        Metric == DistanceMetric.L2 ? SearchExact<SquaredL2Distance, TFilter>(query, k, filter) : SearchExact<InnerProductDistance, TFilter>(query, k, filter);

    private SearchHit[] SearchGraph<TFilter>(ReadOnlySpan<float> query, int k, int? ef, TFilter filter)
        where TFilter : INodeFilter =>
        Metric == DistanceMetric.L2
            ? SearchGraph<SquaredL2Distance, TFilter>(query, k, Math.Max(ef ?? Options.EfSearch, k), filter)
            : SearchGraph<InnerProductDistance, TFilter>(query, k, Math.Max(ef ?? Options.EfSearch, k), filter);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private SearchHit[] SearchGraph<TDistance, TFilter>(ReadOnlySpan<float> query, int k, int ef, TFilter filter)
        where TDistance : IDistance
        where TFilter : INodeFilter
    {
        if (_quantizer is not null)
        {
            return typeof(TDistance) == typeof(SquaredL2Distance)
                ? SearchQuantized<TDistance, CodeL2Space, TFilter>(query, k, ef, filter)
                : SearchQuantized<TDistance, CodeDotSpace, TFilter>(query, k, ef, filter);
        }
        var entry = Volatile.Read(ref _entry);
        if (entry == EmptyEntry) return [];
        var scratch = SearchScratch.ForCurrentThread();
        // Read after the entry point: the view covers it and every node linked before it was published.
        var nodes = _store.View;
        fixed (float* prepared = PrepareQuery(scratch, query))
        {
            var q = (byte*)prepared;
            var ep = (int)entry;
            var epDistance = TDistance.Between(prepared, nodes.Vector(ep), Dimension);
            for (var level = (int)(entry >> 32); level > 0; level--) Greedy<FloatSpace<TDistance>>(nodes, q, Dimension, ref ep, ref epDistance, level);
            SearchLayer<FloatSpace<TDistance>, TFilter>(scratch, nodes, q, Dimension, _layout.VectorStride, ep, epDistance, ef, 0, filter);
        }
        return TakeClosest(scratch, scratch.Results, k, nodes);
    }

    /// <summary>
    /// Walks the graph on the 8-bit codes, then re-ranks the walk's best <see cref="HnswOptions.RerankMultiple"/>·k
    /// candidates with the float32 vectors, so the answer's order and distances are exact.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private SearchHit[] SearchQuantized<TDistance, TSpace, TFilter>(ReadOnlySpan<float> query, int k, int ef, TFilter filter)
        where TDistance : IDistance
        where TSpace : IWalkSpace
        where TFilter : INodeFilter
    {
        var entry = Volatile.Read(ref _entry);
        if (entry == EmptyEntry) return [];
        var scratch = SearchScratch.ForCurrentThread();
        var nodes = _store.View;
        var length = _layout.CodeStride;
        fixed (float* prepared = PrepareQuery(scratch, query))
        fixed (sbyte* code = scratch.CodeBuffer(length))
        {
            new Span<sbyte>(code, length).Clear();
            _quantizer!.Encode(new ReadOnlySpan<float>(prepared, Dimension), code);
            var q = (byte*)code;
            var ep = (int)entry;
            var epDistance = TSpace.Between(q, TSpace.Row(nodes, ep), length);
            for (var level = (int)(entry >> 32); level > 0; level--) Greedy<TSpace>(nodes, q, length, ref ep, ref epDistance, level);
            SearchLayer<TSpace, TFilter>(scratch, nodes, q, length, length, ep, epDistance, ef, 0, filter);

            var shortlist = TakeClosestCandidates(scratch, scratch.Results, Math.Max(k, k * Options.RerankMultiple));
            var exact = scratch.Results;
            exact.Clear();
            foreach (var candidate in shortlist) Offer(exact, k, TDistance.Between(prepared, nodes.Vector(candidate.Id), Dimension), candidate.Id);
            return TakeClosest(scratch, exact, k, nodes);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private SearchHit[] SearchExact<TDistance, TFilter>(ReadOnlySpan<float> query, int k, TFilter filter)
        where TDistance : IDistance
        where TFilter : INodeFilter
    {
        var scratch = SearchScratch.ForCurrentThread();
        var nodes = _store.View;
        var count = Math.Min(Reserved, nodes.Capacity);
        var results = scratch.Results;
        results.Clear();
        fixed (float* q = PrepareQuery(scratch, query))
        {
            for (var id = 0; id < count; id++)
            {
                if ((Volatile.Read(ref *nodes.Header(id)) & NodeLayout.ReadyFlag) == 0 || !filter.Admits(nodes, id)) continue;
                Offer(results, k, TDistance.Between(q, nodes.Vector(id), Dimension), id);
            }
        }
        return TakeClosest(scratch, results, k, nodes);
    }

    /// <summary>Keeps <paramref name="id"/> among the best <paramref name="k"/> results when it is closer than the worst.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Offer(MaxCandidateHeap results, int k, float distance, int id)
    {
        if (results.Count < k) results.Push(distance, id);
        else if (distance < results.Top.Distance) results.ReplaceTop(distance, id);
    }

    /// <summary>Greedy walk on one upper level (ef = 1): move to any closer neighbour until none is closer.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Greedy<TSpace>(in NodeView nodes, byte* query, int length, ref int ep, ref float epDistance, int level)
        where TSpace : IWalkSpace
    {
        var limit = nodes.Capacity;
        bool moved;
        do
        {
            moved = false;
            var links = Links(nodes, ep, level, out var countWord);
            var count = NodeLayout.CountOf(Volatile.Read(ref *countWord));
            for (var j = 0; j < count; j++)
            {
                var n = links[j];
                if ((uint)n >= (uint)limit) continue;
                var d = TSpace.Between(query, TSpace.Row(nodes, n), length);
                if (d < epDistance)
                {
                    epDistance = d;
                    ep = n;
                    moved = true;
                }
            }
        }
        while (moved);
    }

    /// <summary>
    /// The paper's SEARCH-LAYER (hnswlib's searchBaseLayerST): best-first expansion from <paramref name="ep"/>
    /// keeping the <paramref name="ef"/> closest admitted nodes in <see cref="SearchScratch.Results"/>. Rows of
    /// <typeparamref name="TSpace"/> are <paramref name="rowBytes"/> apart and compared over <paramref name="length"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void SearchLayer<TSpace, TFilter>(
        SearchScratch scratch, in NodeView view, byte* query, int length, int rowBytes, int ep, float epDistance, int ef, int level, TFilter filter)
        where TSpace : IWalkSpace
        where TFilter : INodeFilter
    {
        // A local copy, so the JIT may keep the view's fields in registers.
        var nodes = view;
        var candidates = scratch.Candidates;
        var results = scratch.Results;
        candidates.Clear();
        results.Clear();
        var limit = nodes.Capacity;
        ref var visited = ref scratch.BeginVisit(limit);
        // Rows of up to four cache lines are fetched whole at once; longer ones start with their first line and
        // the rest follows two neighbours ahead of the distance loop, so prefetches do not outrun the miss queue.
        var wholeRows = rowBytes <= 4 * 64;

        var pending = stackalloc int[Math.Max(_layout.MaxM0, _layout.M)];
        SearchScratch.TryVisit(ref visited, ep);
        var lowerBound = float.MaxValue;
        if (filter.Admits(nodes, ep))
        {
            results.Push(epDistance, ep);
            lowerBound = epDistance;
        }
        candidates.Push(epDistance, ep);

        while (candidates.Count > 0)
        {
            var current = candidates.Top;
            // Unfiltered, the frontier is done once it is farther than the worst result; filtered, only once
            // the results are full, since admitted nodes may lie behind rejected ones.
            if (current.Distance > lowerBound && (results.Count == ef || typeof(TFilter) == typeof(AllNodes))) break;
            candidates.Pop();

            var links = Links(nodes, current.Id, level, out var countWord);
            var count = NodeLayout.CountOf(Volatile.Read(ref *countWord));
            // First pass: keep the unvisited neighbours and start loading all their vectors at once, so the
            // memory system fetches them in parallel instead of one miss per distance.
            var fresh = 0;
            for (var j = 0; j < count; j++)
            {
                var n = links[j];
                if ((uint)n >= (uint)limit || !SearchScratch.TryVisit(ref visited, n)) continue;
                pending[fresh++] = n;
                if (wholeRows) PrefetchRow(TSpace.Row(nodes, n), rowBytes);
                else Prefetch(TSpace.Row(nodes, n));
            }
            for (var i = 0; i < fresh; i++)
            {
                if (!wholeRows && i + 2 < fresh) PrefetchRow(TSpace.Row(nodes, pending[i + 2]), rowBytes);
                var n = pending[i];
                var d = TSpace.Between(query, TSpace.Row(nodes, n), length);
                if (results.Count < ef || d < lowerBound)
                {
                    candidates.Push(d, n);
                    var next = candidates.Top.Id;
                    Prefetch(nodes.Header(next));
                    Prefetch(nodes.Links(next));
                    if (filter.Admits(nodes, n))
                    {
                        if (results.Count < ef) results.Push(d, n);
                        else results.ReplaceTop(d, n);
                        lowerBound = results.Top.Distance;
                    }
                }
            }
        }
    }

    /// <summary>Prefetches every cache line of a row.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void PrefetchRow(byte* row, int bytes)
    {
        var end = row + bytes;
        for (var line = row; line < end; line += 64) Prefetch(line);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private float[] PrepareQuery(SearchScratch scratch, ReadOnlySpan<float> query)
    {
        var buffer = scratch.QueryBuffer(Dimension);
        query.CopyTo(buffer);
        if (Metric == DistanceMetric.Cosine) VectorKernels.Normalize(buffer.AsSpan(0, Dimension));
        return buffer;
    }

    /// <summary>The <paramref name="k"/> closest of <paramref name="results"/>, closest first, as hits carrying labels.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static SearchHit[] TakeClosest(SearchScratch scratch, MaxCandidateHeap results, int k, in NodeView nodes)
    {
        var closest = results;
        if (results.Count > k)
        {
            // Picking k of ef in one scan costs far less than popping ef − k times.
            closest = scratch.Selection;
            closest.Clear();
            foreach (var c in results.Items) Offer(closest, k, c.Distance, c.Id);
        }
        var hits = new SearchHit[closest.Count];
        for (var i = hits.Length - 1; i >= 0; i--)
        {
            var c = closest.Pop();
            hits[i] = new SearchHit(*nodes.Label(c.Id), c.Distance);
        }
        return hits;
    }

    /// <summary>The <paramref name="count"/> closest of <paramref name="results"/>, in no particular order.</summary>
    private static ReadOnlySpan<Candidate> TakeClosestCandidates(SearchScratch scratch, MaxCandidateHeap results, int count)
    {
        if (results.Count <= count) return scratch.Shortlist(results.Items);
        var closest = scratch.Selection;
        closest.Clear();
        foreach (var c in results.Items) Offer(closest, count, c.Distance, c.Id);
        return scratch.Shortlist(closest.Items);
    }

    private void ValidateQuery(ReadOnlySpan<float> query, int k)
    {
        if (query.Length != Dimension) throw TesseraException.Validation($"The query has {query.Length} dimensions; this index holds {Dimension}.");
        if (k <= 0) throw TesseraException.Validation($"k must be positive (got {k}).");
    }
}
