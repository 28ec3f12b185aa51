using Tessera.Vectors.Hnsw;

namespace Tessera.Vectors.Tests;

/// <summary>
/// Pruning full neighbour lists can drop a node's last incoming link, and then no search returns it. Built with few
/// links (M 8, efConstruction 64), such nodes turn up in most builds; the repair links every one back in.
/// </summary>
public sealed unsafe class HnswReachabilityTests
{
    private const int Dim = 32;
    private const int Count = 4000;
    private static readonly HnswOptions FewLinks = new() { M = 8, EfConstruction = 64 };

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Every_node_of_a_built_index_can_be_reached_from_the_entry_point(int threads)
    {
        for (var seed = 0; seed < 4; seed++)
        {
            using var index = HnswIndex.Build(DistanceMetric.L2, Dim, TestVectors.Clustered(Count, Dim, seed: 500 + seed), options: FewLinks, threads: threads);
            Assert.Empty(Unreachable(index));
        }
    }

    [Fact]
    public void The_repair_links_back_in_what_inserts_left_out_of_reach_and_searches_then_find_it()
    {
        var left = 0;
        for (var seed = 0; seed < 4; seed++)
        {
            var vectors = TestVectors.Clustered(Count, Dim, seed: 500 + seed);
            using var index = new HnswIndex(DistanceMetric.L2, Dim, FewLinks);
            for (var row = 0; row < Count; row++) index.Add(row, TestVectors.Row(vectors, Dim, row));
            var lost = Unreachable(index);
            left += lost.Count;

            Assert.Equal(lost.Count, index.RepairReachability());
            Assert.Empty(Unreachable(index));
            foreach (var id in lost) Assert.Contains(index.Search(TestVectors.Row(vectors, Dim, id), 10, ef: 100), h => h.Id == id);
        }
        // Inserting alone left some nodes out of reach in these builds, so the repair had work to do.
        Assert.True(left > 0);
    }

    /// <summary>
    /// The nodes a search can never end on: from the entry point down, each level's links from every node reached
    /// above it, then level 0's.
    /// </summary>
    private static List<int> Unreachable(HnswIndex index)
    {
        var nodes = index.Store.View;
        var entry = index.EntryPacked;
        var reached = new bool[index.Reserved];
        var on = new List<int> { (int)entry };
        reached[(int)entry] = true;
        for (var level = (int)(entry >> 32); level >= 0; level--)
        {
            var queue = new Queue<int>(on);
            while (queue.TryDequeue(out var id))
            {
                var links = GraphLinks.Of(index, nodes, id, level, out var count);
                for (var j = 0; j < count; j++)
                {
                    if (reached[links[j]]) continue;
                    reached[links[j]] = true;
                    on.Add(links[j]);
                    queue.Enqueue(links[j]);
                }
            }
        }
        return [.. Enumerable.Range(0, reached.Length).Where(id => !reached[id])];
    }
}
