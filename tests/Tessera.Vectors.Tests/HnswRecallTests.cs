using System.Globalization;
using Tessera.Testing;
using Tessera.Vectors.Hnsw;

namespace Tessera.Vectors.Tests;

public sealed class HnswRecallTests
{
    [Theory]
    [InlineData(DistanceMetric.L2, false, 0.95)]
    [InlineData(DistanceMetric.Cosine, false, 0.92)]
    [InlineData(DistanceMetric.InnerProduct, true, 0.92)]
    public void Recall_at_10_stays_above_its_floor(DistanceMetric metric, bool unitLength, double floor)
    {
        // Inner product is tested on unit vectors (embeddings): maximum inner product search over vectors of
        // very different norms is a harder problem for any HNSW, hnswlib's included.
        const int dim = 24, n = 4000;
        var vectors = TestVectors.Clustered(n, dim, seed: 11);
        var queries = TestVectors.Clustered(100, dim, seed: 12);
        if (unitLength)
        {
            for (var row = 0; row < n; row++) Kernels.VectorKernels.Normalize(vectors.AsSpan(row * dim, dim));
        }
        using var index = HnswIndex.Build(metric, dim, vectors, options: new HnswOptions { M = 12, EfConstruction = 100, Seed = 5 }, threads: 1);

        var recall = Recall.AtK(index, Recall.Exact(metric, vectors, dim), queries, k: 10, ef: 64);

        Assert.True(recall >= floor, $"recall@10 {recall:F3} is below {floor}");
    }

    [Fact]
    public void Recall_grows_with_ef()
    {
        const int dim = 16;
        var vectors = TestVectors.Clustered(3000, dim, seed: 21);
        var queries = TestVectors.Clustered(100, dim, seed: 22);
        using var index = HnswIndex.Build(DistanceMetric.L2, dim, vectors, options: new HnswOptions { M = 6, EfConstruction = 40 }, threads: 1);
        var exact = Recall.Exact(DistanceMetric.L2, vectors, dim);

        var low = Recall.AtK(index, exact, queries, 10, ef: 10);
        var high = Recall.AtK(index, exact, queries, 10, ef: 200);

        Assert.True(high >= low && high >= 0.97, $"recall {low:F3} at ef 10, {high:F3} at ef 200");
    }

    [Fact]
    public void A_parallel_build_reaches_the_same_recall_floor()
    {
        const int dim = 20;
        var vectors = TestVectors.Clustered(4000, dim, seed: 31);
        var queries = TestVectors.Clustered(100, dim, seed: 32);
        using var index = HnswIndex.Build(DistanceMetric.L2, dim, vectors, options: new HnswOptions { M = 12, EfConstruction = 100 }, threads: 4);

        Assert.Equal(4000, index.Count);
        Assert.True(Recall.AtK(index, Recall.Exact(DistanceMetric.L2, vectors, dim), queries, 10, 64) >= 0.95);
    }

    [Fact]
    public void The_same_seed_and_order_build_the_same_graph()
    {
        const int dim = 10;
        var vectors = TestVectors.Clustered(1500, dim, seed: 41);
        var options = new HnswOptions { M = 8, EfConstruction = 50, Seed = 77 };
        using var first = HnswIndex.Build(DistanceMetric.L2, dim, vectors, options: options, threads: 1);
        using var second = HnswIndex.Build(DistanceMetric.L2, dim, vectors, options: options, threads: 1);

        for (var q = 0; q < 50; q++)
        {
            var query = TestVectors.Row(vectors, dim, q * 7);
            Assert.Equal(first.Search(query, 10, 20), second.Search(query, 10, 20));
        }
    }

    [Fact]
    public void Real_SIFT_descriptors_find_their_published_neighbours()
    {
        var folder = Path.Combine(RepoPaths.Fixtures, "ann");
        var data = ReadFvecs(Path.Combine(folder, "sift-dataset-5k.fvecs"), out var dim);
        var queries = ReadFvecs(Path.Combine(folder, "sift-query-3.fvecs"), out _);
        var truth = File.ReadAllLines(Path.Combine(folder, "sift-query-3.groundtruth-top10.tsv"))
            .Where(line => line.Length > 0)
            .Select(line => line.Split('\t').Select(pair => long.Parse(pair.Split(':')[0], CultureInfo.InvariantCulture)).ToHashSet())
            .ToArray();
        using var index = HnswIndex.Build(DistanceMetric.L2, dim, data, options: new HnswOptions(), threads: 1);

        var found = 0;
        for (var q = 0; q < truth.Length; q++) found += index.Search(TestVectors.Row(queries, dim, q), 10, 64).Count(h => truth[q].Contains(h.Id));

        Assert.True(found >= 0.95 * 10 * truth.Length, $"found {found} of {10 * truth.Length} published neighbours");
    }

    private static float[] ReadFvecs(string path, out int dimension)
    {
        var bytes = File.ReadAllBytes(path);
        dimension = BitConverter.ToInt32(bytes, 0);
        var rows = bytes.Length / (4 + 4 * dimension);
        var values = new float[rows * dimension];
        for (var r = 0; r < rows; r++) Buffer.BlockCopy(bytes, r * (4 + 4 * dimension) + 4, values, r * dimension * 4, dimension * 4);
        return values;
    }
}
