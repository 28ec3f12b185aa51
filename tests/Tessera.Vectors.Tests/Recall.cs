using Tessera.Vectors.Flat;
using Tessera.Vectors.Hnsw;

namespace Tessera.Vectors.Tests;

/// <summary>Recall of an HNSW index against exact search.</summary>
internal static class Recall
{
    public static FlatIndex Exact(DistanceMetric metric, float[] vectors, int dimension, Func<int, long>? label = null)
    {
        var flat = new FlatIndex(metric, dimension, vectors.Length / dimension);
        for (var row = 0; row < vectors.Length / dimension; row++) flat.Add(label?.Invoke(row) ?? row, TestVectors.Row(vectors, dimension, row));
        return flat;
    }

    public static double AtK(Func<float[], SearchHit[]> approximate, Func<float[], SearchHit[]> exact, float[] queries, int dimension)
    {
        int found = 0, expected = 0;
        for (var q = 0; q < queries.Length / dimension; q++)
        {
            var query = TestVectors.Row(queries, dimension, q).ToArray();
            var truth = exact(query).Select(h => h.Id).ToHashSet();
            expected += truth.Count;
            found += approximate(query).Count(h => truth.Contains(h.Id));
        }
        return expected == 0 ? 1 : (double)found / expected;
    }

    public static double AtK(HnswIndex index, FlatIndex exact, float[] queries, int k, int ef) =>
        AtK(q => index.Search(q, k, ef), q => exact.Search(q, k), queries, index.Dimension);
}
