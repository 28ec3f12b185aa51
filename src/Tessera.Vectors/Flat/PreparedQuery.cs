using Tessera.Vectors.Kernels;

namespace Tessera.Vectors.Flat;

/// <summary>Turns a caller's query into the form an index compares against: a copy, unit length for cosine.</summary>
internal static class PreparedQuery
{
    public static float[] Create(ReadOnlySpan<float> query, DistanceMetric metric)
    {
        var copy = query.ToArray();
        if (metric == DistanceMetric.Cosine) VectorKernels.Normalize(copy);
        return copy;
    }
}
