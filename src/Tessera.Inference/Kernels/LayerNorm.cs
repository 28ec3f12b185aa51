using System.Runtime.CompilerServices;

namespace Tessera.Inference.Kernels;

/// <summary>
/// Layer normalisation over the last dimension: (x − mean) / √(var + eps) · γ + β, with the
/// biased variance PyTorch uses. The variance is the centred second moment (two passes), not
/// E[x²] − E[x]², which cancels badly in float32 when the mean is large.
/// </summary>
internal static class LayerNorm
{
    /// <summary>Normalises each row of <paramref name="source"/> ([rows × width]) into <paramref name="destination"/> (may be the same buffer).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Apply(ReadOnlySpan<float> source, Span<float> destination, int width, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, float epsilon, SimdPath path)
    {
        if (gamma.Length != width || beta.Length != width) throw new ArgumentException("γ and β must have one value per column.");
        if (source.Length % width != 0 || destination.Length < source.Length) throw new ArgumentException("Rows do not fit the buffers.");
        for (var offset = 0; offset < source.Length; offset += width)
        {
            var x = source.Slice(offset, width);
            var mean = VectorLoops.Sum(x, path) / width;
            var variance = VectorLoops.SumOfSquaredDeviations(x, mean, path) / width;
            VectorLoops.NormalizeAffine(x, destination.Slice(offset, width), mean, 1f / MathF.Sqrt(variance + epsilon), gamma, beta, path);
        }
    }
}
