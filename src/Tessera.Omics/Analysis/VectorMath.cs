using System.Numerics.Tensors;

namespace Tessera.Omics.Analysis;

internal static class VectorMath
{
    public static float[] Normalized(float[] vector)
    {
        var norm = TensorPrimitives.Norm(vector);
        var result = new float[vector.Length];
        if (norm > 0) TensorPrimitives.Divide(vector, norm, result);
        return result;
    }

    public static float[] Centroid(IReadOnlyList<float[]> vectors)
    {
        var sum = new float[vectors[0].Length];
        foreach (var v in vectors) TensorPrimitives.Add(sum, v, sum);
        TensorPrimitives.Divide(sum, vectors.Count, sum);
        return sum;
    }

    /// <summary>For each query, the index and cosine of its most similar vector (both sides unit length).</summary>
    public static (int Index, float Similarity)[] NearestNeighbours(IReadOnlyList<float[]> queries, IReadOnlyList<float[]> targets)
    {
        var result = new (int, float)[queries.Count];
        Parallel.For(0, queries.Count, q =>
        {
            var best = (-1, float.NegativeInfinity);
            for (var t = 0; t < targets.Count; t++)
            {
                var s = TensorPrimitives.Dot(queries[q], targets[t]);
                if (s > best.Item2) best = (t, s);
            }
            result[q] = best;
        });
        return result;
    }
}
