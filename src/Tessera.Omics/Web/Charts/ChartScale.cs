namespace Tessera.Omics.Web.Charts;

/// <summary>Maps data values onto an SVG axis: [min, max] → [from, to]; a flat range maps to the middle.</summary>
public readonly record struct ChartScale(double Min, double Max, double From, double To)
{
    public static ChartScale Of(IEnumerable<double> values, double from, double to, bool fromZero = false)
    {
        ArgumentNullException.ThrowIfNull(values);
        var list = values.Where(double.IsFinite).ToList();
        var min = list.Count == 0 ? 0 : list.Min();
        var max = list.Count == 0 ? 1 : list.Max();
        if (fromZero) min = Math.Min(0, min);
        return new ChartScale(min, max, from, to);
    }

    public double this[double value] => Max == Min ? (From + To) / 2 : From + (value - Min) / (Max - Min) * (To - From);
}

/// <summary>One bar: a label under it, a value drawn and printed.</summary>
public sealed record ChartBar(string Label, double Value);

/// <summary>Colours for clusters: Tableau 10, distinguishable and dark enough on white.</summary>
public static class ClusterColors
{
    private static readonly string[] Palette =
        ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"];

    public static string Of(int cluster) => cluster < 0 ? "#555555" : Palette[cluster % Palette.Length];
}
