namespace Tessera.Omics.Analytics;

/// <summary>
/// Two-dimensional principal-component projection, for drawing a run's embeddings as a map. Power iteration with a
/// fixed start and deflation: deterministic, and enough for two components of a few thousand points.
/// </summary>
public static class Projection
{
    public static (double X, double Y)[] Pca2(IReadOnlyList<float[]> points, int iterations = 100)
    {
        ArgumentNullException.ThrowIfNull(points);
        if (points.Count == 0) return [];
        var dim = points[0].Length;
        var mean = new double[dim];
        foreach (var p in points)
            for (var d = 0; d < dim; d++) mean[d] += p[d] / (double)points.Count;
        var centered = points.Select(p => Enumerable.Range(0, dim).Select(d => p[d] - mean[d]).ToArray()).ToList();
        var first = Component(centered, dim, iterations, deflateBy: null);
        var second = Component(centered, dim, iterations, deflateBy: first);
        return centered.Select(p => (Dot(p, first), Dot(p, second))).ToArray();
    }

    private static double[] Component(List<double[]> centered, int dim, int iterations, double[]? deflateBy)
    {
        // A fixed, non-symmetric start so the same data always gives the same axes (up to the data's own ties).
        var v = Enumerable.Range(0, dim).Select(d => 1.0 + d * 0.01).ToArray();
        for (var i = 0; i < iterations; i++)
        {
            if (deflateBy is not null) Subtract(v, deflateBy, Dot(v, deflateBy));
            var next = new double[dim];
            foreach (var p in centered)
            {
                var along = Dot(p, v);
                for (var d = 0; d < dim; d++) next[d] += along * p[d];
            }
            if (deflateBy is not null) Subtract(next, deflateBy, Dot(next, deflateBy));
            var norm = Math.Sqrt(Dot(next, next));
            if (norm == 0) return new double[dim];
            for (var d = 0; d < dim; d++) v[d] = next[d] / norm;
        }
        return v;
    }

    private static double Dot(double[] a, double[] b)
    {
        var sum = 0.0;
        for (var i = 0; i < a.Length; i++) sum += a[i] * b[i];
        return sum;
    }

    private static void Subtract(double[] target, double[] direction, double amount)
    {
        for (var i = 0; i < target.Length; i++) target[i] -= amount * direction[i];
    }
}
