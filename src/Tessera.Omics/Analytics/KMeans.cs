using System.Numerics.Tensors;

namespace Tessera.Omics.Analytics;

/// <summary>
/// k-means (k-means++ seeding, Lloyd iterations) with k chosen by the mean silhouette, so a run's summary can show
/// its clusters. Seeded: the same vectors always give the same clusters.
/// </summary>
internal static class KMeans
{
    public sealed record Clustering(int K, int[] Assignments, float[][] Centroids, double Silhouette);

    /// <summary>Tries k = 2 … <paramref name="maxK"/> and keeps the clustering with the best silhouette.</summary>
    public static Clustering? ChooseBySilhouette(IReadOnlyList<float[]> points, int maxK, int seed, int silhouetteSample = 1500)
    {
        ArgumentNullException.ThrowIfNull(points);
        if (points.Count < 3) return null;
        Clustering? best = null;
        for (var k = 2; k <= Math.Min(maxK, points.Count - 1); k++)
        {
            var clustering = Fit(points, k, seed);
            var score = Silhouette(points, clustering.Assignments, silhouetteSample, seed);
            if (best is null || score > best.Silhouette) best = clustering with { Silhouette = score };
        }
        return best;
    }

    public static Clustering Fit(IReadOnlyList<float[]> points, int k, int seed, int maxIterations = 100)
    {
        ArgumentNullException.ThrowIfNull(points);
        var random = new Random(seed);
        var centroids = SeedPlusPlus(points, k, random);
        var assignments = new int[points.Count];
        for (var iteration = 0; iteration < maxIterations; iteration++)
        {
            var changed = false;
            for (var i = 0; i < points.Count; i++)
            {
                var nearest = Nearest(points[i], centroids);
                if (nearest != assignments[i] || iteration == 0)
                {
                    changed |= nearest != assignments[i];
                    assignments[i] = nearest;
                }
            }
            centroids = Recompute(points, assignments, k, centroids);
            if (!changed && iteration > 0) break;
        }
        return new Clustering(k, assignments, centroids, double.NaN);
    }

    /// <summary>Mean silhouette over a seeded sample of points (all points when few).</summary>
    public static double Silhouette(IReadOnlyList<float[]> points, int[] assignments, int sample, int seed)
    {
        ArgumentNullException.ThrowIfNull(points);
        ArgumentNullException.ThrowIfNull(assignments);
        var indices = Enumerable.Range(0, points.Count).ToArray();
        if (points.Count > sample)
        {
            new Random(seed).Shuffle(indices);
            indices = indices[..sample];
        }
        var k = assignments.Max() + 1;
        double total = 0;
        foreach (var i in indices)
        {
            var sums = new double[k];
            var counts = new int[k];
            foreach (var j in indices)
            {
                if (i == j) continue;
                sums[assignments[j]] += TensorPrimitives.Distance(points[i], points[j]);
                counts[assignments[j]]++;
            }
            var own = assignments[i];
            if (counts[own] == 0) continue; // a singleton's silhouette is 0 by convention
            var a = sums[own] / counts[own];
            var b = double.MaxValue;
            for (var c = 0; c < k; c++)
            {
                if (c != own && counts[c] > 0) b = Math.Min(b, sums[c] / counts[c]);
            }
            if (b < double.MaxValue) total += (b - a) / Math.Max(a, b);
        }
        return total / indices.Length;
    }

    private static float[][] SeedPlusPlus(IReadOnlyList<float[]> points, int k, Random random)
    {
        var centroids = new List<float[]> { (float[])points[random.Next(points.Count)].Clone() };
        var distances = new double[points.Count];
        while (centroids.Count < k)
        {
            double sum = 0;
            for (var i = 0; i < points.Count; i++)
            {
                distances[i] = centroids.Min(c => (double)TensorPrimitives.Distance(points[i], c) * TensorPrimitives.Distance(points[i], c));
                sum += distances[i];
            }
            var target = random.NextDouble() * sum;
            var chosen = points.Count - 1;
            for (var i = 0; i < points.Count; i++)
            {
                target -= distances[i];
                if (target <= 0)
                {
                    chosen = i;
                    break;
                }
            }
            centroids.Add((float[])points[chosen].Clone());
        }
        return [.. centroids];
    }

    private static int Nearest(float[] point, float[][] centroids)
    {
        var best = 0;
        var bestDistance = float.MaxValue;
        for (var c = 0; c < centroids.Length; c++)
        {
            var d = TensorPrimitives.Distance(point, centroids[c]);
            if (d < bestDistance)
            {
                bestDistance = d;
                best = c;
            }
        }
        return best;
    }

    private static float[][] Recompute(IReadOnlyList<float[]> points, int[] assignments, int k, float[][] previous)
    {
        var dimension = points[0].Length;
        var sums = Enumerable.Range(0, k).Select(_ => new float[dimension]).ToArray();
        var counts = new int[k];
        for (var i = 0; i < points.Count; i++)
        {
            TensorPrimitives.Add(sums[assignments[i]], points[i], sums[assignments[i]]);
            counts[assignments[i]]++;
        }
        for (var c = 0; c < k; c++)
        {
            // An emptied cluster keeps its previous centre rather than collapsing to the origin.
            if (counts[c] == 0) sums[c] = previous[c];
            else TensorPrimitives.Divide(sums[c], counts[c], sums[c]);
        }
        return sums;
    }
}
