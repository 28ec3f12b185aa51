using Tessera.Core.Errors;
using Tessera.Vectors.Hnsw;

namespace Tessera.Vectors.Tests;

public sealed class HnswDeleteAndFilterTests
{
    private const int Dim = 16;

    [Fact]
    public void Deleted_ids_are_never_returned_and_the_rest_stay_findable()
    {
        var vectors = TestVectors.Clustered(2000, Dim, seed: 51);
        using var index = Build(vectors);
        for (var id = 0; id < 2000; id += 2) Assert.True(index.Delete(id));

        Assert.Equal(1000, index.Count);
        Assert.Equal(1000, index.DeletedCount);
        Assert.False(index.Contains(0));
        Assert.False(index.Delete(0));
        for (var q = 0; q < 200; q++)
        {
            var hits = index.Search(TestVectors.Row(vectors, Dim, q), 10, 64);
            Assert.All(hits, h => Assert.Equal(1, h.Id % 2));
            if (q % 2 == 1) Assert.Equal(q, hits[0].Id);
        }
    }

    [Fact]
    public void Adding_an_existing_id_replaces_its_vector()
    {
        var vectors = TestVectors.Clustered(500, Dim, seed: 52);
        using var index = Build(vectors);
        var moved = TestVectors.Row(vectors, Dim, 400).ToArray();

        index.Add(7, moved);

        Assert.Equal(500, index.Count);
        Assert.Equal(1, index.DeletedCount);
        Assert.Equal(moved, index.GetVector(7));
        var hits = index.Search(moved, 2, 64);
        Assert.Equal([7L, 400L], hits.Select(h => h.Id).Order());
    }

    [Fact]
    public void Compact_drops_tombstones_and_keeps_ids()
    {
        var vectors = TestVectors.Clustered(1000, Dim, seed: 53);
        using var index = Build(vectors);
        for (var id = 0; id < 1000; id += 3) index.Delete(id);

        using var compacted = index.Compact(threads: 1);

        Assert.Equal(index.Count, compacted.Count);
        Assert.Equal(0, compacted.DeletedCount);
        Assert.Equal(index.GetVector(1), compacted.GetVector(1));
        Assert.Equal(1, compacted.Search(TestVectors.Row(vectors, Dim, 1), 1, 32)[0].Id);
    }

    [Fact]
    public void Deleting_everything_leaves_searches_empty()
    {
        var vectors = TestVectors.Clustered(100, Dim, seed: 54);
        using var index = Build(vectors);
        for (var id = 0; id < 100; id++) index.Delete(id);

        Assert.Empty(index.Search(TestVectors.Row(vectors, Dim, 0), 5));
    }

    [Fact]
    public void A_filter_returns_only_ids_it_admits()
    {
        var vectors = TestVectors.Clustered(3000, Dim, seed: 55);
        using var index = Build(vectors);
        var filter = SearchFilters.Where(id => id % 4 == 1);

        for (var q = 0; q < 50; q++)
        {
            var hits = index.Search(TestVectors.Row(vectors, Dim, q), 10, filter, ef: 64);
            Assert.Equal(10, hits.Length);
            Assert.All(hits, h => Assert.Equal(1, h.Id % 4));
        }
    }

    [Theory]
    [InlineData(0.01, false, 0.99)]
    [InlineData(0.01, true, 0.99)]
    [InlineData(0.05, false, 0.93)]
    [InlineData(0.30, false, 0.95)]
    [InlineData(0.30, true, 0.95)]
    public void Filtered_recall_holds_at_every_selectivity(double admitted, bool asPredicate, double floor)
    {
        const int n = 5000;
        var vectors = TestVectors.Clustered(n, Dim, seed: 56);
        var queries = TestVectors.Clustered(60, Dim, seed: 57);
        using var index = Build(vectors);
        var random = new Random(58);
        var allowed = Enumerable.Range(0, n).Where(_ => random.NextDouble() < admitted).Select(i => (long)i).ToHashSet();
        var exact = Recall.Exact(DistanceMetric.L2, vectors, Dim);

        var recall = Recall.AtK(
            q => asPredicate ? index.Search(q, 10, SearchFilters.Where(allowed.Contains), ef: 64) : index.Search(q, 10, SearchFilters.In(allowed), ef: 64),
            q => exact.Search(q, 10, SearchFilters.In(allowed)),
            queries, Dim);

        Assert.True(recall >= floor, $"recall@10 {recall:F3} with {allowed.Count} of {n} admitted");
    }

    [Fact]
    public void A_small_allowed_set_skips_deleted_and_unknown_ids()
    {
        var vectors = TestVectors.Clustered(2000, Dim, seed: 62);
        using var index = Build(vectors);
        index.Delete(5);

        var hits = index.Search(TestVectors.Row(vectors, Dim, 5), 10, SearchFilters.In(new HashSet<long> { 5, 6, 7, 99_999 }));

        Assert.Equal([6L, 7L], hits.Select(h => h.Id).Order());
    }

    [Fact]
    public void A_filter_that_admits_nothing_returns_nothing()
    {
        var vectors = TestVectors.Clustered(1000, Dim, seed: 59);
        using var index = Build(vectors);

        Assert.Empty(index.Search(TestVectors.Row(vectors, Dim, 0), 10, SearchFilters.Where(_ => false)));
    }

    [Fact]
    public void Selectivity_is_estimated_from_a_sample()
    {
        var vectors = TestVectors.Clustered(4000, Dim, seed: 60);
        using var index = Build(vectors);

        var share = index.EstimateSelectivity(new LiveAndAllowed<PredicateFilter>(SearchFilters.Where(id => id % 10 == 0)));

        Assert.InRange(share, 0.05, 0.15);
    }

    [Fact]
    public void Bad_arguments_are_validation_errors()
    {
        using var index = new HnswIndex(DistanceMetric.L2, Dim);
        Assert.Throws<TesseraException>(() => index.Add(1, new float[Dim + 1]));
        Assert.Throws<TesseraException>(() => index.Search(new float[Dim], 0));
        Assert.Throws<TesseraException>(() => new HnswIndex(DistanceMetric.L2, Dim, new HnswOptions { M = 1 }));
        Assert.Empty(index.Search(new float[Dim], 3));
    }

    private static HnswIndex Build(float[] vectors) =>
        HnswIndex.Build(DistanceMetric.L2, Dim, vectors, options: new HnswOptions { M = 8, EfConstruction = 64 }, threads: 1);
}
