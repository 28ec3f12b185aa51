using System.Runtime.CompilerServices;
using Tessera.Vectors.Kernels;

namespace Tessera.Vectors.Hnsw;

public sealed unsafe partial class HnswIndex
{
    /// <summary>Wires a freshly initialized node into every level it lives on (the paper's INSERT).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Link<TDistance>(int id, byte* record, int level)
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
        var pointers = _store.Pointers;
        var limit = _store.Capacity;
        var query = (float*)(record + _layout.VectorOffset);
        var ep = (int)entry;
        var maxLevel = (int)(entry >> 32);
        var epDistance = TDistance.Between(query, VectorOf(pointers, ep), Dimension);
        for (var l = maxLevel; l > level; l--) Greedy<TDistance>(pointers, limit, query, ref ep, ref epDistance, l);

        var scratch = SearchScratch.ForCurrentThread();
        var hasTombstones = Volatile.Read(ref _deleted) > 0;
        for (var l = Math.Min(level, maxLevel); l >= 0; l--)
        {
            if (hasTombstones) SearchLayer<TDistance, LiveNodes>(scratch, pointers, limit, query, ep, epDistance, Options.EfConstruction, l, default);
            else SearchLayer<TDistance, AllNodes>(scratch, pointers, limit, query, ep, epDistance, Options.EfConstruction, l, default);
            var chosen = scratch.ChosenBuffer(Options.MaxM0);
            var count = SelectNeighbors<TDistance>(pointers, scratch.Results, Options.M, id, scratch, chosen);
            if (count == 0) continue;
            Connect<TDistance>(pointers, id, l, chosen.AsSpan(0, count), scratch);
            ep = chosen[0].Id;
            epDistance = chosen[0].Distance;
        }

        if (level > maxLevel)
        {
            lock (_entryLock)
            {
                if (level > (int)(_entry >> 32)) _entry = PackEntry(id, level);
            }
        }
    }

    /// <summary>
    /// The paper's heuristic (hnswlib's getNeighborsByHeuristic2): walk candidates closest first and keep one
    /// only if it is closer to the base than to every neighbour kept so far, which spreads links across
    /// directions instead of bunching them in one cluster. Consumes <paramref name="candidates"/>; fills
    /// <paramref name="chosen"/> closest first and returns how many it holds.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int SelectNeighbors<TDistance>(nint[] pointers, MaxCandidateHeap candidates, int max, int exclude, SearchScratch scratch, Candidate[] chosen)
        where TDistance : IDistance
    {
        var n = candidates.Count;
        var ordered = scratch.OrderedBuffer(n);
        candidates.DrainAscending(ordered.AsSpan(0, n));
        var kept = 0;
        for (var i = 0; i < n && kept < max; i++)
        {
            var candidate = ordered[i];
            if (candidate.Id == exclude) continue;
            if (n > max)
            {
                var vector = VectorOf(pointers, candidate.Id);
                var diverse = true;
                for (var s = 0; s < kept; s++)
                {
                    if (TDistance.Between(vector, VectorOf(pointers, chosen[s].Id), Dimension) < candidate.Distance)
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

    /// <summary>Sets the new node's links on one level and adds the reverse links, pruning full lists with the heuristic.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Connect<TDistance>(nint[] pointers, int id, int level, ReadOnlySpan<Candidate> neighbours, SearchScratch scratch)
        where TDistance : IDistance
    {
        var max = level == 0 ? Options.MaxM0 : Options.M;
        lock (LockFor(id))
        {
            var own = Links(pointers, id, level);
            var existing = NodeLayout.CountOf(*own);
            if (existing == 0)
            {
                for (var i = 0; i < neighbours.Length; i++) own[1 + i] = neighbours[i].Id;
                WriteCount(own, neighbours.Length);
            }
            else
            {
                // A concurrent insert that reached this node through an upper level has already linked back to it
                // here: keep those links too, or that node may lose its only way in.
                MergeLinks<TDistance>(pointers, id, own, existing, neighbours, max, scratch);
            }
        }

        foreach (var neighbour in neighbours)
        {
            var n = neighbour.Id;
            lock (LockFor(n))
            {
                var links = Links(pointers, n, level);
                var count = NodeLayout.CountOf(*links);
                if (count < max)
                {
                    links[1 + count] = id;
                    WriteCount(links, count + 1);
                    continue;
                }
                var candidates = scratch.Selection;
                candidates.Clear();
                candidates.Push(neighbour.Distance, id);
                var vector = VectorOf(pointers, n);
                for (var j = 0; j < count; j++) Prefetch(VectorOf(pointers, links[1 + j]));
                for (var j = 0; j < count; j++)
                {
                    var existing = links[1 + j];
                    candidates.Push(TDistance.Between(VectorOf(pointers, existing), vector, Dimension), existing);
                }
                var kept = scratch.RepairBuffer(max + 1);
                var keptCount = SelectNeighbors<TDistance>(pointers, candidates, max, n, scratch, kept);
                for (var j = 0; j < keptCount; j++) links[1 + j] = kept[j].Id;
                WriteCount(links, keptCount);
            }
        }
    }

    /// <summary>Replaces a link list with the heuristic's pick from its current links plus <paramref name="extra"/>.</summary>
    private void MergeLinks<TDistance>(nint[] pointers, int id, int* links, int count, ReadOnlySpan<Candidate> extra, int max, SearchScratch scratch)
        where TDistance : IDistance
    {
        var candidates = scratch.Selection;
        candidates.Clear();
        var vector = VectorOf(pointers, id);
        for (var j = 0; j < count; j++)
        {
            var existing = links[1 + j];
            candidates.Push(TDistance.Between(VectorOf(pointers, existing), vector, Dimension), existing);
        }
        foreach (var candidate in extra)
        {
            if (!Contains(links, count, candidate.Id)) candidates.Push(candidate.Distance, candidate.Id);
        }
        var kept = scratch.RepairBuffer(max + extra.Length + count);
        var keptCount = SelectNeighbors<TDistance>(pointers, candidates, max, id, scratch, kept);
        for (var j = 0; j < keptCount; j++) links[1 + j] = kept[j].Id;
        WriteCount(links, keptCount);
    }

    private static bool Contains(int* links, int count, int id)
    {
        for (var j = 1; j <= count; j++)
        {
            if (links[j] == id) return true;
        }
        return false;
    }

    /// <summary>Publishes a link count after the ids it covers, keeping the header's level and flags.</summary>
    private static void WriteCount(int* links, int count) =>
        Volatile.Write(ref *links, (*links & ~NodeLayout.CountMask) | count);
}
