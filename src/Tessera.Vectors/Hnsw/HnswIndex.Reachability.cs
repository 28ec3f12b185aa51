using Tessera.Vectors.Kernels;

namespace Tessera.Vectors.Hnsw;

public sealed unsafe partial class HnswIndex
{
    private const int MaxRepairPasses = 4;

    /// <summary>
    /// Links every level-0 node that no search can reach into the graph. Pruning a full neighbour list keeps the most
    /// diverse links, and now and then that drops a node's last incoming link (copies of one vector, whose chain
    /// links break as later copies arrive, most often): such a node is never returned. Each one found by a walk from
    /// the entry point gets a link from the closest reachable node that has room, or else in place of that node's
    /// farthest link to a node another link still reaches. Returns how many nodes it linked. Runs after inserts; the
    /// caller must exclude concurrent inserts (searches may run).
    /// </summary>
    internal int RepairReachability()
    {
        // A replaced link's target keeps another incoming link, but that one may come from a node not yet linked in:
        // a further pass finds what is still out of reach.
        var linked = 0;
        // Nodes linked in by the repair, whose new incoming link no later repair may take away.
        var repaired = new bool[Math.Max(Reserved, 0)];
        for (var pass = 0; pass < MaxRepairPasses; pass++)
        {
            var linkedNow = RepairPass(repaired);
            if (linkedNow == 0) break;
            linked += linkedNow;
        }
        return linked;
    }

    private int RepairPass(bool[] repaired)
    {
        var entry = Volatile.Read(ref _entry);
        var nodes = _store.View;
        var count = Math.Min(Reserved, nodes.Capacity);
        if (entry == EmptyEntry || count < 2) return 0;
        var incoming = new int[count];
        for (var id = 0; id < count; id++)
        {
            var links = Links(nodes, id, 0, out var countWord);
            for (int j = 0, n = NodeLayout.CountOf(*countWord); j < n; j++) incoming[links[j]]++;
        }
        var reached = new bool[count];
        ReachFromEntry(nodes, entry, reached);
        var linked = 0;
        for (var id = 0; id < count; id++)
        {
            // Tombstones (and a snapshot's empty slots) need not be found: giving them links would only crowd out live ones.
            var header = *nodes.Header(id);
            if (reached[id] || (header & NodeLayout.ReadyFlag) == 0 || (header & NodeLayout.DeletedFlag) != 0) continue;
            var linkedFrom = Metric == DistanceMetric.L2
                ? LinkFromReachable<SquaredL2Distance>(nodes, id, entry, incoming, reached, repaired)
                : LinkFromReachable<InnerProductDistance>(nodes, id, entry, incoming, reached, repaired);
            if (!linkedFrom) continue;
            repaired[id] = true;
            linked++;
            Reach(nodes, id, reached);
        }
        return linked;
    }

    /// <summary>
    /// Marks every node a search can end its walk on: from the entry point down, each level's links from every node
    /// reached above (a search descends through any of them), and on level 0 everything linked from those.
    /// </summary>
    private void ReachFromEntry(in NodeView nodes, long entry, bool[] reached)
    {
        var queue = new Queue<int>();
        reached[(int)entry] = true;
        var on = new List<int> { (int)entry };
        for (var level = (int)(entry >> 32); level >= 0; level--)
        {
            foreach (var id in on) queue.Enqueue(id);
            Spread(nodes, level, queue, reached, on);
        }
    }

    /// <summary>Marks everything reachable on level 0 from <paramref name="start"/>.</summary>
    private void Reach(in NodeView nodes, int start, bool[] reached)
    {
        reached[start] = true;
        var queue = new Queue<int>();
        queue.Enqueue(start);
        Spread(nodes, 0, queue, reached, null);
    }

    /// <summary>Breadth first over one level's links from the queued nodes; newly reached ones are also added to <paramref name="found"/>.</summary>
    private void Spread(in NodeView nodes, int level, Queue<int> queue, bool[] reached, List<int>? found)
    {
        while (queue.TryDequeue(out var id))
        {
            var links = Links(nodes, id, level, out var countWord);
            for (int j = 0, n = NodeLayout.CountOf(Volatile.Read(ref *countWord)); j < n; j++)
            {
                var next = links[j];
                if (next >= reached.Length || reached[next]) continue;
                reached[next] = true;
                found?.Add(next);
                queue.Enqueue(next);
            }
        }
    }

    /// <summary>
    /// Gives <paramref name="orphan"/> a link from the closest node a walk from the entry point finds (so a reachable
    /// one) that can take it; false when none of the candidates can.
    /// </summary>
    private bool LinkFromReachable<TDistance>(in NodeView nodes, int orphan, long entry, int[] incoming, bool[] reached, bool[] repaired)
        where TDistance : IDistance
    {
        var query = (byte*)nodes.Vector(orphan);
        var ep = (int)entry;
        var epDistance = TDistance.Between((float*)query, nodes.Vector(ep), Dimension);
        for (var level = (int)(entry >> 32); level > 0; level--) Greedy<FloatSpace<TDistance>>(nodes, query, Dimension, ref ep, ref epDistance, level);
        var scratch = SearchScratch.ForCurrentThread();
        SearchLayer<FloatSpace<TDistance>, AllNodes>(scratch, nodes, query, Dimension, _layout.VectorStride, ep, epDistance, Options.EfConstruction, 0, default);
        var found = scratch.Results;
        var candidates = scratch.OrderedBuffer(found.Count).AsSpan(0, found.Count);
        found.DrainAscending(candidates);
        // First a link to something farther than the orphan makes way; failing that (every candidate holds only closer
        // links, as copies of one vector do), any link whose target stays reachable.
        foreach (var onlyFarther in new[] { true, false })
        {
            foreach (var candidate in candidates)
            {
                if (candidate.Id != orphan && TryLink<TDistance>(nodes, candidate, orphan, onlyFarther, incoming, reached, repaired)) return true;
            }
        }
        return false;
    }

    private bool TryLink<TDistance>(in NodeView nodes, Candidate from, int orphan, bool onlyFarther, int[] incoming, bool[] reached, bool[] repaired)
        where TDistance : IDistance
    {
        lock (LockFor(from.Id))
        {
            var links = Links(nodes, from.Id, 0, out var countWord);
            var count = NodeLayout.CountOf(*countWord);
            if (count < Options.MaxM0)
            {
                links[count] = orphan;
                WriteCount(countWord, count + 1);
                incoming[orphan]++;
                return true;
            }
            var vector = nodes.Vector(from.Id);
            var farthest = -1;
            var farthestDistance = float.MinValue;
            for (var j = 0; j < count; j++)
            {
                // A link the repair made is an orphan's way in: it stays.
                if (incoming[links[j]] < 2 || !reached[links[j]] || repaired[links[j]]) continue;
                var distance = TDistance.Between(vector, nodes.Vector(links[j]), Dimension);
                if (distance > farthestDistance) (farthest, farthestDistance) = (j, distance);
            }
            if (farthest < 0 || (onlyFarther && farthestDistance <= from.Distance)) return false;
            incoming[links[farthest]]--;
            Volatile.Write(ref links[farthest], orphan);
            incoming[orphan]++;
            return true;
        }
    }
}
