using Tessera.Core.Errors;
using Tessera.Vectors.Flat;
using Tessera.Vectors.Kernels;

namespace Tessera.Vectors.Tests;

public sealed class FlatIndexTests
{
    [Theory]
    [InlineData(DistanceMetric.L2)]
    [InlineData(DistanceMetric.InnerProduct)]
    [InlineData(DistanceMetric.Cosine)]
    public void Search_returns_the_exact_nearest_in_order(DistanceMetric metric)
    {
        const int dim = 13, n = 500;
        var vectors = TestVectors.Clustered(n, dim, seed: 1);
        var flat = new FlatIndex(metric, dim, initialCapacity: 7);
        for (var i = 0; i < n; i++) flat.Add(1000 + i, TestVectors.Row(vectors, dim, i));
        var query = TestVectors.Uniform(dim, seed: 2);

        var hits = flat.Search(query, 5);

        var expected = Enumerable.Range(0, n)
            .Select(i => (Id: 1000L + i, Distance: Reference(metric, query, TestVectors.Row(vectors, dim, i).ToArray())))
            .OrderBy(x => x.Distance).Take(5).ToArray();
        Assert.Equal(expected.Select(e => e.Id), hits.Select(h => h.Id));
        for (var i = 0; i < 5; i++) Assert.Equal(expected[i].Distance, hits[i].Distance, 3);
    }

    [Fact]
    public void Filtered_search_returns_only_admitted_ids()
    {
        const int dim = 8;
        var flat = new FlatIndex(DistanceMetric.L2, dim);
        var vectors = TestVectors.Clustered(200, dim, seed: 4);
        for (var i = 0; i < 200; i++) flat.Add(i, TestVectors.Row(vectors, dim, i));

        var hits = flat.Search(TestVectors.Row(vectors, dim, 0), 10, SearchFilters.Where(id => id % 7 == 3));

        Assert.Equal(10, hits.Length);
        Assert.All(hits, h => Assert.Equal(3, h.Id % 7));
    }

    [Fact]
    public void A_query_of_the_wrong_dimension_is_a_validation_error()
    {
        var flat = new FlatIndex(DistanceMetric.L2, 4);
        Assert.Throws<TesseraException>(() => flat.Search(new float[5], 1));
    }

    private static float Reference(DistanceMetric metric, float[] a, float[] b)
    {
        if (metric == DistanceMetric.L2) return VectorKernels.SquaredL2(a, b);
        if (metric == DistanceMetric.InnerProduct) return 1 - VectorKernels.Dot(a, b);
        var na = (float[])a.Clone();
        var nb = (float[])b.Clone();
        VectorKernels.Normalize(na);
        VectorKernels.Normalize(nb);
        return 1 - VectorKernels.Dot(na, nb);
    }
}
