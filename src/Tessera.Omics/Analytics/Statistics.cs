using MathNet.Numerics.Distributions;

namespace Tessera.Omics.Analytics;

/// <summary>Summary statistics and the two-sample test the compare and summary endpoints report.</summary>
internal static class Statistics
{
    public sealed record Summary(int Count, double Mean, double StandardDeviation, double Min, double Median, double Max);

    /// <summary>
    /// A Welch test. When the statistic is undefined, <see cref="T"/>, <see cref="DegreesOfFreedom"/> and
    /// <see cref="PValue"/> are null and <see cref="UndefinedReason"/> says why.
    /// </summary>
    public sealed record WelchTest(double MeanA, double MeanB, double Delta, double? T, double? DegreesOfFreedom, double? PValue, string? UndefinedReason);

    public const string TooFewValues = "fewer than 2 peptides in a run";
    public const string ZeroVariance = "zero variance in both runs";

    public static Summary Summarize(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0) return new Summary(0, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);
        var sorted = values.Order().ToArray();
        return new Summary(values.Count, values.Average(), Math.Sqrt(Variance(values)), sorted[0], Quantile(sorted, 0.5), sorted[^1]);
    }

    /// <summary>The q-quantile of sorted values, interpolating linearly between order statistics (R's type 7).</summary>
    public static double Quantile(IReadOnlyList<double> sorted, double q)
    {
        ArgumentNullException.ThrowIfNull(sorted);
        if (sorted.Count == 0) return double.NaN;
        var position = q * (sorted.Count - 1);
        var below = (int)Math.Floor(position);
        var above = Math.Min(below + 1, sorted.Count - 1);
        return sorted[below] + (position - below) * (sorted[above] - sorted[below]);
    }

    /// <summary>Sample variance (n − 1 denominator); 0 for fewer than two values.</summary>
    public static double Variance(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count < 2) return 0;
        var mean = values.Average();
        return values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1);
    }

    /// <summary>
    /// Welch's unequal-variance t-test of the difference in means, two-sided. With fewer than two values on a side,
    /// or no variance on either side, t is 0/0 or ±∞ and no p-value is meaningful: the test is reported as undefined.
    /// </summary>
    public static WelchTest Welch(IReadOnlyList<double> a, IReadOnlyList<double> b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var meanA = a.Count > 0 ? a.Average() : double.NaN;
        var meanB = b.Count > 0 ? b.Average() : double.NaN;
        if (a.Count < 2 || b.Count < 2) return Undefined(meanA, meanB, TooFewValues);
        var va = Variance(a) / a.Count;
        var vb = Variance(b) / b.Count;
        var se = Math.Sqrt(va + vb);
        if (se == 0) return Undefined(meanA, meanB, ZeroVariance);
        var t = (meanB - meanA) / se;
        var df = (va + vb) * (va + vb) / (va * va / (a.Count - 1) + vb * vb / (b.Count - 1));
        var p = 2 * (1 - StudentT.CDF(0, 1, df, Math.Abs(t)));
        return new WelchTest(meanA, meanB, meanB - meanA, t, df, p, null);
    }

    private static WelchTest Undefined(double meanA, double meanB, string reason) => new(meanA, meanB, meanB - meanA, null, null, null, reason);

    /// <summary>Counts of values in <paramref name="bins"/> equal-width bins over [min, max].</summary>
    public static IReadOnlyList<(double From, double To, int Count)> Histogram(IReadOnlyList<double> values, int bins)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0 || bins < 1) return [];
        var min = values.Min();
        var max = values.Max();
        var width = max > min ? (max - min) / bins : 1;
        var counts = new int[bins];
        foreach (var v in values) counts[Math.Min(bins - 1, (int)((v - min) / width))]++;
        return Enumerable.Range(0, bins).Select(i => (min + i * width, min + (i + 1) * width, counts[i])).ToList();
    }
}
