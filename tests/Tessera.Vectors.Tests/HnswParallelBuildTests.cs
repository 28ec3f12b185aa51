using Tessera.Vectors.Hnsw;

namespace Tessera.Vectors.Tests;

public sealed class HnswParallelBuildTests
{
    [Fact]
    public void Vectors_inserted_in_parallel_find_themselves_as_often_as_after_a_serial_build()
    {
        // Inserts that descended into a node still being linked (its lower lists empty) linked to that node alone and
        // could then be pruned out of its list: about 1 vector in 1,000 no longer found itself (ef 32), against 1 in
        // 10,000 after a serial build. How often inserts overlap depends on the machine's load, not only on the code:
        // on a quiet machine the build before that fix missed 3, and under CI load the fixed build has missed up to 45.
        // So the bound is a coarse one (1 in 1,000) that a badly broken parallel build fails whatever the load; it does
        // not tell that race from an unlucky schedule.
        const int n = 3000, dim = 8, builds = 30;
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
        Assert.True(misses <= 90, $"{misses} of {builds * n} vectors did not find themselves ({unreachable} unreachable)");
    }
}
