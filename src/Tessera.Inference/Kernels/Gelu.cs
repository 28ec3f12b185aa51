using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Tessera.Inference.Kernels;

/// <summary>
/// GELU in its exact erf form, 0.5·x·(1 + erf(x/√2)), as ESM-2 and BERT use it (not the tanh
/// approximation). erf is Abramowitz &amp; Stegun 7.1.26 (|error| ≤ 1.5e-7), the same formula
/// PyTorch's vectorised CPU kernel uses, so results agree to float32 noise.
/// </summary>
/// <remarks>
/// With z = |x|/√2 and t = 1/(1 + p·z), 7.1.26 reads erf(z) = 1 − P(t)·e^(−z²). So for x ≥ 0,
/// GELU(x) = x − q and for x &lt; 0, GELU(x) = q, where q = x·½P(t)·e^(−x²/2): the halving is folded
/// into P's coefficients, √2 into p, and e^(−x²/2) is <see cref="FastExp.Exp2InRange(Vector256{float})"/>
/// of −x²·log₂e/2. A sign select replaces erf's sign copy and the final 0.5·x·(1 + erf).
/// </remarks>
internal static class Gelu
{
    private const float P = 0.3275911f * 0.70710678118654752f;
    private const float A1 = 0.5f * 0.254829592f;
    private const float A2 = 0.5f * -0.284496736f;
    private const float A3 = 0.5f * 1.421413741f;
    private const float A4 = 0.5f * -1.453152027f;
    private const float A5 = 0.5f * 1.061405429f;

    /// <summary>−log₂e / 2: x² times this is the power of two equal to e^(−x²/2).</summary>
    private const float HalfSquareToPower = -0.5f * FastExp.Log2E;

    /// <summary>
    /// Applies GELU in place to <paramref name="rows"/> rows of <paramref name="width"/> values,
    /// row i starting at <paramref name="values"/> + i·<paramref name="stride"/>: one call covers a
    /// whole GEMM tile, whose rows are a C row stride apart.
    /// </summary>
    public static unsafe void Apply(float* values, nint stride, int rows, int width, SimdPath path)
    {
        switch (path)
        {
            case SimdPath.Vector512: Apply512(values, stride, rows, width); break;
            case SimdPath.Vector256: Apply256(values, stride, rows, width); break;
            default: ApplyScalar(values, stride, rows, width); break;
        }
    }

    // One method per width, never inlined: each is compiled fully optimised with its own inlining
    // budget. In one method, the Vector512 loop (software calls on a CPU without AVX-512) used up
    // the budget and left the Vector256 GELU and exp as calls, slow Tier-0 ones for the first passes.
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static unsafe void Apply512(float* values, nint stride, int rows, int width)
    {
        var whole = width / Vector512<float>.Count * Vector512<float>.Count;
        for (var r = 0; r < rows; r++)
        {
            var row = values + r * stride;
            for (var i = 0; i < whole; i += Vector512<float>.Count) Apply(Vector512.Load(row + i)).Store(row + i);
            for (var i = whole; i < width; i++) row[i] = Apply(row[i]);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static unsafe void Apply256(float* values, nint stride, int rows, int width)
    {
        var whole = width / Vector256<float>.Count * Vector256<float>.Count;
        for (var r = 0; r < rows; r++)
        {
            var row = values + r * stride;
            for (var i = 0; i < whole; i += Vector256<float>.Count) Apply(Vector256.Load(row + i)).Store(row + i);
            for (var i = whole; i < width; i++) row[i] = Apply(row[i]);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void ApplyScalar(float* values, nint stride, int rows, int width)
    {
        for (var r = 0; r < rows; r++)
        {
            var row = values + r * stride;
            for (var i = 0; i < width; i++) row[i] = Apply(row[i]);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Apply(float x)
    {
        var t = 1f / (1f + P * MathF.Abs(x));
        var halfPoly = ((((A5 * t + A4) * t + A3) * t + A2) * t + A1) * t;
        var q = x * halfPoly * FastExp.Exp2(x * x * HalfSquareToPower);
        return x < 0 ? q : x - q;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Apply(Vector256<float> x)
    {
        var t = Vector256<float>.One / Vector256.FusedMultiplyAdd(Vector256.Create(P), Vector256.Abs(x), Vector256<float>.One);
        var halfPoly = Vector256.FusedMultiplyAdd(Vector256.Create(A5), t, Vector256.Create(A4));
        halfPoly = Vector256.FusedMultiplyAdd(halfPoly, t, Vector256.Create(A3));
        halfPoly = Vector256.FusedMultiplyAdd(halfPoly, t, Vector256.Create(A2));
        halfPoly = Vector256.FusedMultiplyAdd(halfPoly, t, Vector256.Create(A1));
        halfPoly *= t;
        var power = Vector256.MaxNative(x * x * Vector256.Create(HalfSquareToPower), Vector256.Create(FastExp.MinPower));
        var q = x * halfPoly * FastExp.Exp2InRange(power);
        return Vector256.ConditionalSelect(Vector256.LessThan(x, Vector256<float>.Zero), q, x - q);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Apply(Vector512<float> x)
    {
        var t = Vector512<float>.One / Vector512.FusedMultiplyAdd(Vector512.Create(P), Vector512.Abs(x), Vector512<float>.One);
        var halfPoly = Vector512.FusedMultiplyAdd(Vector512.Create(A5), t, Vector512.Create(A4));
        halfPoly = Vector512.FusedMultiplyAdd(halfPoly, t, Vector512.Create(A3));
        halfPoly = Vector512.FusedMultiplyAdd(halfPoly, t, Vector512.Create(A2));
        halfPoly = Vector512.FusedMultiplyAdd(halfPoly, t, Vector512.Create(A1));
        halfPoly *= t;
        var power = Vector512.MaxNative(x * x * Vector512.Create(HalfSquareToPower), Vector512.Create(FastExp.MinPower));
        var q = x * halfPoly * FastExp.Exp2InRange(power);
        return Vector512.ConditionalSelect(Vector512.LessThan(x, Vector512<float>.Zero), q, x - q);
    }
}
