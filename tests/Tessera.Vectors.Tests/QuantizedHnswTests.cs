using Tessera.Vectors.Hnsw;
using Tessera.Vectors.Kernels;

namespace Tessera.Vectors.Tests;

public sealed class QuantizedHnswTests
{
    private static readonly HnswOptions Plain = new() { M = 16, EfConstruction = 100 };
    private static readonly HnswOptions Sq8 = Plain with { Quantization = VectorQuantization.Sq8 };

    public static TheoryData<string, DistanceMetric, int> DataSets() => new()
    {
        { "clustered", DistanceMetric.L2, 128 },
        { "unit", DistanceMetric.InnerProduct, 96 },
        { "unit", DistanceMetric.Cosine, 48 },
        { "uniform", DistanceMetric.L2, 64 },
    };

    [Theory]
    [MemberData(nameof(DataSets))]
    public void Sq8_keeps_the_recall_of_float32_at_the_same_ef(string kind, DistanceMetric metric, int dim)
    {
        const int n = 3000, queries = 100, k = 10, ef = 48;
        var all = Generate(kind, n + queries, dim, seed: 81);
        var vectors = all[..(n * dim)];
        var probes = all[(n * dim)..];
        using var plain = HnswIndex.Build(metric, dim, vectors, options: Plain, threads: 1);
        using var quantized = HnswIndex.Build(metric, dim, vectors, options: Sq8, threads: 1);
        var exact = Recall.Exact(metric, vectors, dim);

        var plainRecall = Recall.AtK(plain, exact, probes, k, ef);
        var quantizedRecall = Recall.AtK(quantized, exact, probes, k, ef);

        Assert.True(quantizedRecall >= plainRecall - 0.01, $"sq8 recall@10 {quantizedRecall:F3}, float32 {plainRecall:F3}");
        // Re-ranking makes the reported distances exact.
        var hit = quantized.Search(TestVectors.Row(probes, dim, 0), 1, ef)[0];
        Assert.Equal(exact.Search(TestVectors.Row(probes, dim, 0), 1)[0].Distance, hit.Distance, 4);
    }

    [Fact]
    public void Filters_and_tombstones_apply_to_a_quantized_search_as_to_a_float32_one()
    {
        const int n = 2000, dim = 32;
        var vectors = TestVectors.Clustered(n, dim, seed: 83);
        using var plain = HnswIndex.Build(DistanceMetric.L2, dim, vectors, options: Plain, threads: 1);
        using var quantized = HnswIndex.Build(DistanceMetric.L2, dim, vectors, options: Sq8, threads: 1);
        // An owner's rows: a third of the ids, walked in the graph; a handful, scanned exactly.
        var owned = Enumerable.Range(0, n).Where(i => i % 3 == 0).Select(i => (long)i).ToHashSet();
        var few = owned.Take(20).ToHashSet();
        foreach (var index in new[] { plain, quantized }) index.Delete(3);

        for (var q = 0; q < 30; q++)
        {
            var query = TestVectors.Row(vectors, dim, q * 7 + 1);
            var expected = plain.Search(query, 10, SearchFilters.Where(owned.Contains), ef: 200);
            var actual = quantized.Search(query, 10, SearchFilters.Where(owned.Contains), ef: 200);
            Assert.All(actual, h => Assert.Contains(h.Id, owned));
            Assert.DoesNotContain(actual, h => h.Id == 3);
            Assert.True(expected.Select(h => h.Id).Intersect(actual.Select(h => h.Id)).Count() >= 9);
            Assert.Equal(plain.Search(query, 5, SearchFilters.In(few)), quantized.Search(query, 5, SearchFilters.In(few)));
        }
    }

    [Fact]
    public void Constant_dimensions_a_single_vector_and_identical_vectors_quantize_without_dividing_by_zero()
    {
        const int dim = 16;
        var vectors = TestVectors.Clustered(200, dim, seed: 84);
        for (var row = 0; row < 200; row++) vectors[row * dim + 5] = 2.5f;
        using var constantDimension = HnswIndex.Build(DistanceMetric.L2, dim, vectors, options: Sq8, threads: 1);
        Assert.Equal(17, constantDimension.Search(TestVectors.Row(vectors, dim, 17), 1)[0].Id);

        var one = TestVectors.Row(vectors, dim, 0).ToArray();
        using var single = HnswIndex.Build(DistanceMetric.InnerProduct, dim, one, options: Sq8);
        Assert.True(single.Quantizer!.Step > 0);
        Assert.Equal(0, Assert.Single(single.Search(one, 3)).Id);

        var same = Enumerable.Repeat(one, 50).SelectMany(v => v).ToArray();
        using var identical = HnswIndex.Build(DistanceMetric.L2, dim, same, options: Sq8, threads: 1);
        var hits = identical.Search(one, 50, ef: 100);
        Assert.Equal(50, hits.Length);
        Assert.All(hits, h => Assert.Equal(0, h.Distance));
    }

    [Fact]
    public void An_empty_quantized_index_takes_unit_vectors_one_by_one()
    {
        const int dim = 24;
        var vectors = Generate("unit", 500, dim, seed: 85);
        using var index = new HnswIndex(DistanceMetric.Cosine, dim, Sq8);
        for (var row = 0; row < 500; row++) index.Add(row, TestVectors.Row(vectors, dim, row));
        var exact = Recall.Exact(DistanceMetric.Cosine, vectors, dim);
        Assert.True(Recall.AtK(index, exact, vectors[..(50 * dim)], 10, 64) >= 0.95);
    }

    [Fact]
    public void Memory_is_split_into_graph_codes_and_float32_vectors()
    {
        const int n = 1000, dim = 100;
        var vectors = TestVectors.Clustered(n, dim, seed: 86);
        using var plain = HnswIndex.Build(DistanceMetric.L2, dim, vectors, options: Plain, threads: 1);
        using var quantized = HnswIndex.Build(DistanceMetric.L2, dim, vectors, options: Sq8, threads: 1);

        Assert.Equal(0, plain.Memory.QuantizedBytes);
        Assert.Equal(plain.MemoryBytes, plain.Memory.TotalBytes);
        // 100 dimensions: 448-byte float rows (seven lines) and 128-byte code rows (two lines).
        Assert.Equal(n * 448L, plain.Memory.VectorBytes);
        Assert.Equal(n * 448L, quantized.Memory.VectorBytes);
        Assert.Equal(n * 128L, quantized.Memory.QuantizedBytes);
        Assert.Equal(plain.Memory.GraphBytes, quantized.Memory.GraphBytes);
    }

    [Fact]
    public unsafe void Integer_kernels_match_the_scalar_sums()
    {
        var random = new Random(87);
        foreach (var length in new[] { 64, 128, 320, 1024 })
        {
            var a = new sbyte[length];
            var b = new sbyte[length];
            for (var i = 0; i < length; i++)
            {
                a[i] = (sbyte)random.Next(-127, 128);
                b[i] = (sbyte)random.Next(-127, 128);
            }
            a[0] = 127;
            b[0] = -127;
            fixed (sbyte* pa = a, pb = b)
            {
                Assert.Equal(QuantizedKernels.SquaredL2Scalar(pa, pb, length), QuantizedKernels.SquaredL2(pa, pb, length));
                Assert.Equal(QuantizedKernels.DotScalar(pa, pb, length), QuantizedKernels.Dot(pa, pb, length));
            }
        }
    }

    private static float[] Generate(string kind, int count, int dim, int seed)
    {
        switch (kind)
        {
            case "clustered":
                return TestVectors.Clustered(count, dim, seed);
            case "uniform":
                return TestVectors.Uniform(count * dim, seed);
            default:
                var vectors = TestVectors.Clustered(count, dim, seed);
                for (var row = 0; row < count; row++) VectorKernels.Normalize(vectors.AsSpan(row * dim, dim));
                return vectors;
        }
    }
}
