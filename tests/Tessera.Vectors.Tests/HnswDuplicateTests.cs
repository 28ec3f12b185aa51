using Tessera.Vectors.Hnsw;

namespace Tessera.Vectors.Tests;

/// <summary>Exact duplicates (the same peptide seen in many runs) must all be findable, not just one of them.</summary>
public sealed class HnswDuplicateTests
{
    private const int Dim = 16;
    private const int Noise = 2000;

    public static TheoryData<int, int, int, DistanceMetric> Cases()
    {
        var cases = new TheoryData<int, int, int, DistanceMetric>();
        foreach (var seed in new[] { 1, 2, 3, 4, 5 })
        {
            foreach (var (copies, m) in new[] { (20, 16), (50, 16), (20, 6), (40, 6) })
            {
                cases.Add(seed, copies, m, seed % 2 == 0 ? DistanceMetric.Cosine : DistanceMetric.L2);
            }
        }
        return cases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Every_copy_of_a_repeated_vector_is_returned_when_k_asks_for_all(int seed, int copies, int m, DistanceMetric metric)
    {
        var (vectors, duplicates, repeated) = WithCopies(seed, copies);
        using var index = HnswIndex.Build(metric, Dim, vectors, options: new HnswOptions { M = m, EfConstruction = 100 }, threads: 1);

        var hits = index.Search(repeated, copies, Math.Max(64, copies));

        Assert.Equal(duplicates.Order(), hits.Select(h => h.Id).Order());
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Every_admitted_copy_is_returned_under_a_filter(int seed, int copies, int m, DistanceMetric metric)
    {
        var (vectors, duplicates, repeated) = WithCopies(seed, copies);
        using var index = HnswIndex.Build(metric, Dim, vectors, options: new HnswOptions { M = m, EfConstruction = 100 }, threads: 1);
        // Half of the copies and half of the rest: broad enough that the search walks the graph.
        var copiesSet = duplicates.ToHashSet();
        var admitted = duplicates.Where((_, i) => i % 2 == 0).ToHashSet();
        var filter = SearchFilters.Where(id => copiesSet.Contains(id) ? admitted.Contains(id) : id % 2 == 1);

        var hits = index.Search(repeated, admitted.Count, filter, Math.Max(64, copies));

        Assert.Equal(admitted.Order(), hits.Select(h => h.Id).Order());
    }

    /// <summary>Clustered noise with <paramref name="copies"/> rows, spread over the insertion order, replaced by one vector.</summary>
    private static (float[] Vectors, long[] Duplicates, float[] Repeated) WithCopies(int seed, int copies)
    {
        var vectors = TestVectors.Clustered(Noise, Dim, seed);
        var random = new Random(seed);
        var rows = Enumerable.Range(0, Noise).OrderBy(_ => random.Next()).Take(copies).Select(r => (long)r).ToArray();
        // One of the copied rows, so the data holds no copy besides those rows.
        var repeated = TestVectors.Row(vectors, Dim, (int)rows[0]).ToArray();
        foreach (var row in rows) repeated.CopyTo(vectors.AsSpan((int)row * Dim, Dim));
        return (vectors, rows, repeated);
    }
}
