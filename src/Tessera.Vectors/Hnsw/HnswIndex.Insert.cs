using System.Runtime.CompilerServices;
using Tessera.Vectors.Kernels;

namespace Tessera.Vectors.Hnsw;

public sealed unsafe partial class HnswIndex
{
    /// <summary>Wires a freshly initialized node into every level it lives on (the paper's INSERT).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Link<TDistance>(int id, int level)
        where TDistance : IDistance
    {
        long entry;
        lock (_entryLock)
        {
            entry = _entry;
            if (entry == EmptyEntry)
            {
                _entry = PackEntry(id, level);
                return;
            }
        }
        var nodes = _store.View;
        // Inserts walk the float32 vectors even with quantization: the graph is as good as without it.
        var query = (byte*)nodes.Vector(id);
        var ep = (int)entry;
        var maxLevel = (int)(entry >> 32);
        var epDistance = TDistance.Between((float*)query, nodes.Vector(ep), Dimension);
        for (var l = maxLevel; l > level; l--) Greedy<FloatSpace<TDistance>>(nodes, query, Dimension, ref ep, ref epDistance, l);

        var scratch = SearchScratch.ForCurrentThread();
        var hasTombstones = Volatile.Read(ref _deleted) > 0;
        var top = Math.Min(level, maxLevel);
        // The node stays unreachable until its own lists are set on every level: reverse links come only after.
        // Linking back level by level let a concurrent insert reach it on an upper level, descend into its still
        // empty level-0 list, link to it alone, and be pruned away when this node's list filled.
        var chosen = scratch.ChosenBuffer((top + 1) * Options.MaxM0);
        var counts = stackalloc int[top + 1];
        for (var l = top; l >= 0; l--)
        {
            if (hasTombstones) SearchLayer<FloatSpace<TDistance>, LiveNodes>(scratch, nodes, query, Dimension, _layout.VectorStride, ep, epDistance, Options.EfConstruction, l, default);
            else SearchLayer<FloatSpace<TDistance>, AllNodes>(scratch, nodes, query, Dimension, _layout.VectorStride, ep, epDistance, Options.EfConstruction, l, default);
            var picked = chosen.AsSpan(l * Options.MaxM0, Options.MaxM0);
            var count = SelectNeighbors<TDistance>(nodes, scratch.Results, Options.M, id, scratch, picked);
            counts[l] = count;
            if (count == 0) continue;
            SetOwnLinks(nodes, id, l, picked[..count]);
            ep = picked[0].Id;
            epDistance = picked[0].Distance;
        }
        for (var l = top; l >= 0; l--)
        {
            LinkingBack?.Invoke(id, l);
            LinkBack<TDistance>(nodes, id, l, chosen.AsSpan(l * Options.MaxM0, counts[l]), scratch);
        }

        if (level > maxLevel)
        {
            lock (_entryLock)
            {
                if (level > (int)(_entry >> 32)) _entry = PackEntry(id, level);
            }
        }
    }

    /// <summary>Called as an insert starts linking other nodes to its node on a level: lets tests see what those links expose.</summary>
    internal Action<int, int>? LinkingBack { get; set; }

    /// <summary>
    /// The paper's heuristic (hnswlib's getNeighborsByHeuristic2): walk candidates closest first and keep one
    /// only if it is closer to the base than to every neighbour kept so far, which spreads links across
    /// directions instead of bunching them in one cluster. Consumes <paramref name="candidates"/>; fills
    /// <paramref name="chosen"/> closest first and returns how many it holds.
    /// </summary>
    /// <remarks>
    /// Exact copies of the base (the same peptide in many runs) all tie at the closest distance, so the heuristic
    /// cannot tell them apart: it would fill the list with arbitrary copies and, once there are more copies than
    /// links, leave some with no incoming link at all. Instead the base keeps only the copies next to it in id
    /// order, one below and one above, so the copies form a chain that a search walks end to end.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int SelectNeighbors<TDistance>(in NodeView nodes, MaxCandidateHeap candidates, int max, int exclude, SearchScratch scratch, Span<Candidate> chosen)
        where TDistance : IDistance
    {
        var n = candidates.Count;
        var ordered = scratch.OrderedBuffer(n);
        candidates.DrainAscending(ordered.AsSpan(0, n));
        var baseVector = nodes.Vector(exclude);
        // A copy has exactly the distance the base has to itself, whatever the metric's rounding.
        var copyDistance = TDistance.Between(baseVector, baseVector, Dimension);
        int below = -1, above = -1;
        if (n > max)
        {
            for (var i = 0; i < n; i++)
            {
                var id = ordered[i].Id;
                if (id == exclude || !IsCopy(nodes, ordered[i], baseVector, copyDistance)) continue;
                if (id < exclude && id > below) below = id;
                if (id > exclude && (above < 0 || id < above)) above = id;
            }
        }
        var kept = 0;
        for (var i = 0; i < n && kept < max; i++)
        {
            var candidate = ordered[i];
            if (candidate.Id == exclude) continue;
            if (n > max)
            {
                if (candidate.Id == below || candidate.Id == above)
                {
                    chosen[kept++] = candidate;
                    continue;
                }
                if (IsCopy(nodes, candidate, baseVector, copyDistance)) continue;
                var vector = nodes.Vector(candidate.Id);
                var diverse = true;
                for (var s = 0; s < kept; s++)
                {
                    if (TDistance.Between(vector, nodes.Vector(chosen[s].Id), Dimension) < candidate.Distance)
                    {
                        diverse = false;
                        break;
                    }
                }
                if (!diverse) continue;
            }
            chosen[kept++] = candidate;
        }
        return kept;
    }

    /// <summary>Whether <paramref name="candidate"/> holds the same vector as the base; only ties at the copy distance are compared.</summary>
    private bool IsCopy(in NodeView nodes, Candidate candidate, float* baseVector, float copyDistance) =>
        candidate.Distance == copyDistance &&
        new ReadOnlySpan<float>(nodes.Vector(candidate.Id), Dimension).SequenceEqual(new ReadOnlySpan<float>(baseVector, Dimension));

    /// <summary>Sets the new node's links on one level; nothing links to it yet, so its list there is still empty.</summary>
    private void SetOwnLinks(in NodeView nodes, int id, int level, ReadOnlySpan<Candidate> neighbours)
    {
        lock (LockFor(id))
        {
            var own = Links(nodes, id, level, out var ownCount);
            for (var i = 0; i < neighbours.Length; i++) own[i] = neighbours[i].Id;
            WriteCount(ownCount, neighbours.Length);
        }
    }

    /// <summary>Adds the reverse links to the new node on one level, pruning full lists with the heuristic.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void LinkBack<TDistance>(in NodeView nodes, int id, int level, ReadOnlySpan<Candidate> neighbours, SearchScratch scratch)
        where TDistance : IDistance
    {
        var max = level == 0 ? Options.MaxM0 : Options.M;
        foreach (var neighbour in neighbours)
        {
            var n = neighbour.Id;
            lock (LockFor(n))
            {
                var links = Links(nodes, n, level, out var countWord);
                var count = NodeLayout.CountOf(*countWord);
                if (count < max)
                {
                    links[count] = id;
                    WriteCount(countWord, count + 1);
                    continue;
                }
                var candidates = scratch.Selection;
                candidates.Clear();
                candidates.Push(neighbour.Distance, id);
                var vector = nodes.Vector(n);
                for (var j = 0; j < count; j++) Prefetch(nodes.Vector(links[j]));
                for (var j = 0; j < count; j++)
                {
                    var existing = links[j];
                    candidates.Push(TDistance.Between(nodes.Vector(existing), vector, Dimension), existing);
                }
                var kept = scratch.RepairBuffer(max + 1);
                var keptCount = SelectNeighbors<TDistance>(nodes, candidates, max, n, scratch, kept);
                for (var j = 0; j < keptCount; j++) links[j] = kept[j].Id;
                WriteCount(countWord, keptCount);
            }
        }
    }

    /// <summary>Publishes a link count after the ids it covers, keeping the header's level and flags.</summary>
    private static void WriteCount(int* countWord, int count) =>
        Volatile.Write(ref *countWord, (*countWord & ~NodeLayout.CountMask) | count);
}
