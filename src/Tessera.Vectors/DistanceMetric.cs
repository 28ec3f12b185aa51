namespace Tessera.Vectors;

/// <summary>How two vectors are compared. Smaller distances are closer for every metric.</summary>
public enum DistanceMetric
{
    /// <summary>1 − cosine similarity. Vectors are normalized when added and queries when searched.</summary>
    Cosine = 1,

    /// <summary>1 − inner product (maximum inner product search).</summary>
    InnerProduct = 2,

    /// <summary>Squared Euclidean distance.</summary>
    L2 = 3,
}

public static class DistanceMetricNames
{
    /// <summary>Parses the command-line and API spelling: <c>cosine</c>, <c>ip</c> or <c>l2</c>.</summary>
    public static DistanceMetric Parse(string name) => name?.Trim().ToLowerInvariant() switch
    {
        "cosine" => DistanceMetric.Cosine,
        "ip" or "inner_product" or "dot" => DistanceMetric.InnerProduct,
        "l2" or "euclidean" => DistanceMetric.L2,
        _ => throw Core.Errors.TesseraException.Validation($"Unknown metric '{name}' (expected cosine, ip or l2)."),
    };

    public static string ToName(this DistanceMetric metric) => metric switch
    {
        DistanceMetric.Cosine => "cosine",
        DistanceMetric.InnerProduct => "ip",
        DistanceMetric.L2 => "l2",
        _ => throw new ArgumentOutOfRangeException(nameof(metric), metric, "Unknown metric."),
    };
}
