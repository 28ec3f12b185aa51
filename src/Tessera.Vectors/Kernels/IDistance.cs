namespace Tessera.Vectors.Kernels;

/// <summary>
/// A distance as a struct operator, so generic search code is specialized per metric by the JIT and the
/// hot loop makes no virtual or delegate calls. Smaller is closer.
/// </summary>
internal unsafe interface IDistance
{
    static abstract float Between(float* a, float* b, int dimension);
}

/// <summary>Squared Euclidean distance.</summary>
internal readonly unsafe struct SquaredL2Distance : IDistance
{
    public static float Between(float* a, float* b, int dimension) => VectorKernels.SquaredL2(a, b, dimension);
}

/// <summary>1 − inner product; on unit vectors this is the cosine distance.</summary>
internal readonly unsafe struct InnerProductDistance : IDistance
{
    public static float Between(float* a, float* b, int dimension) => 1f - VectorKernels.Dot(a, b, dimension);
}
