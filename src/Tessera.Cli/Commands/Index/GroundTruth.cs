using Tessera.Core.Errors;
using Tessera.Vectors;
using Tessera.Vectors.Flat;

namespace Tessera.Cli.Commands.Index;

/// <summary>Exact neighbours to measure recall against, read from a file or computed by a full scan.</summary>
internal static class GroundTruth
{
    /// <summary>The exact top-<paramref name="k"/> ids per query (ids are row numbers), restricted to <paramref name="allowed"/> when given.</summary>
    public static long[][] Exact(VectorFile data, VectorFile queries, DistanceMetric metric, int k, IReadOnlySet<long>? allowed)
    {
        var flat = new FlatIndex(metric, data.Columns, data.Rows);
        for (var row = 0; row < data.Rows; row++) flat.Add(row, data.Row(row));
        var truth = new long[queries.Rows][];
        Parallel.For(0, queries.Rows, q =>
        {
            var hits = allowed is null ? flat.Search(queries.Row(q), k) : flat.Search(queries.Row(q), k, SearchFilters.In(allowed));
            truth[q] = Array.ConvertAll(hits, h => h.Id);
        });
        return truth;
    }

    public static long[][] Read(string path, int queries, int k)
    {
        var (ids, rows, columns) = VectorFile.ReadIds(path, "truth");
        if (rows != queries) throw TesseraException.Validation($"The truth file {path} has {rows} rows for {queries} queries.");
        if (columns < k) throw TesseraException.Validation($"The truth file {path} has {columns} neighbours per query; --k is {k}.");
        var truth = new long[rows][];
        for (var q = 0; q < rows; q++) truth[q] = ids.AsSpan(q * columns, k).ToArray();
        return truth;
    }

    /// <summary>Mean share of each query's true neighbours that were found (recall@k).</summary>
    public static double Recall(SearchHit[][] found, long[][] truth, int k)
    {
        long hits = 0, expected = 0;
        for (var q = 0; q < truth.Length; q++)
        {
            var relevant = new HashSet<long>(truth[q].Take(k));
            expected += relevant.Count;
            foreach (var hit in found[q].Take(k))
            {
                if (relevant.Contains(hit.Id)) hits++;
            }
        }
        return expected == 0 ? 1.0 : Math.Round((double)hits / expected, 4);
    }
}
