using System.Collections.Concurrent;
using Tessera.Vectors.Hnsw;

namespace Tessera.Vectors.Tests;

public sealed class HnswParallelBuildTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(8)]
    public void A_node_is_linked_to_only_after_its_own_lists_are_set_on_every_level(int threads)
    {
        // Linking back level by level let a concurrent insert reach a node on an upper level, descend into its still
        // empty level-0 list, link to it alone and be pruned away when that list filled (about 1 vector in 1,000 then
        // missed itself). The order is checked where it is decided, so no schedule has to hit the race.
        const int n = 3000, dim = 8;
        var vectors = TestVectors.Clustered(n, dim, seed: 3, clusters: 4);
        using var index = new HnswIndex(DistanceMetric.L2, dim, new HnswOptions { M = 16, EfConstruction = 64 }, n);
        var exposed = new ConcurrentQueue<string>();
        var checkedLevels = 0;
        index.LinkingBack = (id, level) =>
        {
            var nodes = index.Store.View;
            for (var l = 0; l <= level; l++)
            {
                if (GraphLinks.Count(index, nodes, id, l) == 0) exposed.Enqueue($"node {id} was linked to on level {level} while its level-{l} list was empty");
            }
            Interlocked.Increment(ref checkedLevels);
        };
        Parallel.For(0, n, new ParallelOptions { MaxDegreeOfParallelism = threads }, row => index.Add(row, TestVectors.Row(vectors, dim, row)));

        Assert.Empty(exposed);
        Assert.True(checkedLevels > n, $"only {checkedLevels} levels were linked back for {n} nodes: no node above level 0 was checked");
    }

    [Fact]
    public void Vectors_inserted_in_parallel_are_all_reachable_and_nearly_all_find_themselves()
    {
        // A parallel build is a little worse than a serial one by nature: an insert does not see the nodes inserted while
        // it searched, and the more it is preempted (8 threads on a loaded 2-core machine) the more it misses. Serial
        // builds of this data miss about 1 vector in 10,000 at ef 32; under CI load parallel ones have missed up to 1 in
        // 230. The bound (1 in 100) fails a build whose links are lost or torn, not an unlucky schedule; the order that
        // keeps a node out of reach until it is linked is tested above.
        const int n = 3000, dim = 8, builds = 10;
        int unreachable = 0, misses = 0;
        for (var seed = 0; seed < builds; seed++)
        {
            var vectors = TestVectors.Clustered(n, dim, seed, clusters: 4);
            using var index = HnswIndex.Build(DistanceMetric.L2, dim, vectors, options: new HnswOptions { M = 16, EfConstruction = 64 }, threads: 8);
            unreachable += n - index.Search(TestVectors.Row(vectors, dim, 0), n, ef: 2 * n).Length;
            for (var row = 0; row < n; row++)
            {
                if (index.Search(TestVectors.Row(vectors, dim, row), 1, 32)[0].Id != row) misses++;
            }
        }
        Assert.Equal(0, unreachable);
        Assert.True(misses <= builds * n / 100, $"{misses} of {builds * n} vectors did not find themselves");
    }
}
