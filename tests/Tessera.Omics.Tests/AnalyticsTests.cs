using Tessera.Omics.Analytics;

namespace Tessera.Omics.Tests;

public class AnalyticsTests
{
    [Fact]
    public void Welch_test_matches_scipy()
    {
        // scipy.stats.ttest_ind(a, b, equal_var=False) compares a − b; we report b − a.
        double[] a = [1.2, 2.3, 3.1, 4.8, 5.0, 2.2];
        double[] b = [2.9, 4.1, 5.5, 6.0, 7.2, 5.1, 6.6];
        var test = Statistics.Welch(a, b);
        Assert.Equal(2.6879988979741127, test.T!.Value, 1e-9);
        Assert.Equal(0.021759890790666085, test.PValue!.Value, 1e-6);
        Assert.Null(test.UndefinedReason);
        Assert.Equal(b.Average() - a.Average(), test.Delta, 1e-12);
    }

    [Fact]
    public void Welch_test_without_enough_data_or_variance_is_undefined_with_a_reason()
    {
        var tooFew = Statistics.Welch([1.0], [2.0, 3.0]);
        Assert.Null(tooFew.PValue);
        Assert.Null(tooFew.T);
        Assert.Equal(Statistics.TooFewValues, tooFew.UndefinedReason);
        var constant = Statistics.Welch([9.0, 9.0], [9.0, 9.0, 9.0]);
        Assert.Null(constant.PValue);
        Assert.Equal(Statistics.ZeroVariance, constant.UndefinedReason);
        Assert.Equal(0, constant.Delta);
    }

    [Fact]
    public void Quantiles_interpolate_like_numpy()
    {
        double[] sorted = [1, 1, 2, 3, 4, 5, 6, 9];
        Assert.Equal(1.0, Statistics.Quantile(sorted, 0.1), 1e-12);
        Assert.Equal(3.5, Statistics.Quantile(sorted, 0.5), 1e-12);
        Assert.Equal(6.9, Statistics.Quantile(sorted, 0.9), 1e-12);
    }

    [Fact]
    public void Histogram_counts_every_value_once()
    {
        var bins = Statistics.Histogram([8, 9, 10, 20, 30, 50], 4);
        Assert.Equal(6, bins.Sum(b => b.Count));
        Assert.Equal(8, bins[0].From);
        Assert.Equal(50, bins[^1].To, 1e-9);
    }

    [Fact]
    public void KMeans_finds_well_separated_clusters_and_silhouette_picks_their_number()
    {
        var random = new Random(3);
        var centres = new[] { new[] { 0f, 0f }, new[] { 10f, 0f }, new[] { 0f, 10f } };
        var points = new List<float[]>();
        var truth = new List<int>();
        for (var i = 0; i < 150; i++)
        {
            var c = i % 3;
            points.Add([centres[c][0] + (float)random.NextDouble(), centres[c][1] + (float)random.NextDouble()]);
            truth.Add(c);
        }

        var clustering = KMeans.ChooseBySilhouette(points, maxK: 6, seed: 1)!;

        Assert.Equal(3, clustering.K);
        Assert.True(clustering.Silhouette > 0.8);
        // Same truth cluster ⇔ same found cluster.
        for (var i = 0; i < points.Count; i++)
        {
            for (var j = i + 1; j < points.Count; j += 7)
                Assert.Equal(truth[i] == truth[j], clustering.Assignments[i] == clustering.Assignments[j]);
        }
        Assert.Equal(clustering.Assignments, KMeans.ChooseBySilhouette(points, 6, 1)!.Assignments);
    }

    [Fact]
    public void Too_few_points_have_no_clustering()
    {
        Assert.Null(KMeans.ChooseBySilhouette([[1f], [2f]], 5, 1));
    }

    [Fact]
    public void The_map_projection_puts_the_widest_spread_on_the_first_axis_and_the_next_on_the_second()
    {
        // Points spread 10 along (1,1,0)/√2, 2 along (0,0,1), nothing else: the projection recovers both spreads.
        var points = new List<float[]>();
        for (var i = -5; i <= 5; i++)
        {
            for (var j = -1; j <= 1; j++)
                points.Add([i / MathF.Sqrt(2), i / MathF.Sqrt(2), j]);
        }
        var projected = Projection.Pca2(points);
        Assert.Equal(points.Count, projected.Length);
        Assert.Equal(10, projected.Max(p => p.X) - projected.Min(p => p.X), 3);
        Assert.Equal(2, projected.Max(p => p.Y) - projected.Min(p => p.Y), 3);
        Assert.Equal(projected, Projection.Pca2(points));
        Assert.Empty(Projection.Pca2([]));
    }
}
