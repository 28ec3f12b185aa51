using System.Runtime.CompilerServices;
using Tessera.Vectors.Kernels;

namespace Tessera.Vectors.Flat;

/// <summary>Brute-force top-k over a row-major matrix, specialized per metric.</summary>
internal static unsafe class ExactScan
{
    /// <summary>Pushes the <paramref name="k"/> closest admitted rows of <paramref name="vectors"/> into <paramref name="heap"/> (ids are row numbers).</summary>
    public static void Run(DistanceMetric metric, float[] query, float[] vectors, int rows, int dimension, int k, MaxCandidateHeap heap, Func<int, bool> admits)
    {
        if (metric == DistanceMetric.L2) Run<SquaredL2Distance>(query, vectors, rows, dimension, k, heap, admits);
        else Run<InnerProductDistance>(query, vectors, rows, dimension, k, heap, admits);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Run<TDistance>(float[] query, float[] vectors, int rows, int dimension, int k, MaxCandidateHeap heap, Func<int, bool> admits)
        where TDistance : IDistance
    {
        fixed (float* q = query, m = vectors)
        {
            for (var row = 0; row < rows; row++)
            {
                var d = TDistance.Between(q, m + (long)row * dimension, dimension);
                if (heap.Count == k && d >= heap.Top.Distance) continue;
                if (!admits(row)) continue;
                heap.Push(d, row);
                if (heap.Count > k) heap.Pop();
            }
        }
    }
}
