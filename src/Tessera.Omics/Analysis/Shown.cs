using System.Globalization;
using Tessera.Omics.Analytics;

namespace Tessera.Omics.Analysis;

/// <summary>
/// How summary and comparison numbers reach a client: rounded to <see cref="SignificantDigits"/> significant digits
/// (the embeddings are float32, so digits beyond that are arithmetic noise, e.g. a norm of 0.999999990661939), and
/// cosines clamped to [−1, 1] first (a float32 dot product of unit vectors can come out as 1.000000238).
/// </summary>
internal static class Shown
{
    public const int SignificantDigits = 6;

    public static double Value(double value) =>
        double.IsFinite(value) ? double.Parse(value.ToString("G" + SignificantDigits, CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) : value;

    public static double? Value(double? value) => value is { } v ? Value(v) : null;

    public static double Cosine(double value) => Value(Math.Clamp(value, -1.0, 1.0));

    public static Statistics.Summary Summary(Statistics.Summary s) =>
        new(s.Count, Value(s.Mean), Value(s.StandardDeviation), Value(s.Min), Value(s.Median), Value(s.Max));
}
