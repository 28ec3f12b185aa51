using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Tessera.Inference.Kernels;

/// <summary>
/// GELU in its exact erf form, 0.5·x·(1 + erf(x/√2)), as ESM-2 and BERT use it (not the tanh
/// approximation). erf is Abramowitz &amp; Stegun 7.1.26 (|error| ≤ 1.5e-7), the same formula
/// PyTorch's vectorised CPU kernel uses, so results agree to float32 noise; its exp is
/// <see cref="FastExp"/>, inlined.
/// </summary>
internal static class Gelu
{
    private const float InvSqrt2 = 0.70710678118654752f;
    private const float P = 0.3275911f;
    private const float A1 = 0.254829592f;
    private const float A2 = -0.284496736f;
    private const float A3 = 1.421413741f;
    private const float A4 = -1.453152027f;
    private const float A5 = 1.061405429f;

    /// <summary>Applies GELU in place at the given width.</summary>
    public static void Apply(Span<float> values, SimdPath path)
    {
        switch (path)
        {
            case SimdPath.Vector512: Apply512(values); break;
            case SimdPath.Vector256: Apply256(values); break;
            default: ApplyScalar(values); break;
        }
    }

    // One method per width, never inlined: each is compiled fully optimised with its own inlining
    // budget. In one method, the Vector512 loop (software calls on a CPU without AVX-512) used up
    // the budget and left the Vector256 GELU and exp as calls, slow Tier-0 ones for the first passes.
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void Apply512(Span<float> values)
    {
        var i = 0;
        for (; i <= values.Length - Vector512<float>.Count; i += Vector512<float>.Count)
        {
            ref var slot = ref values[i];
            Vector512.StoreUnsafe(Apply(Vector512.LoadUnsafe(ref slot)), ref slot);
        }
        ApplyScalar(values[i..]);
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void Apply256(Span<float> values)
    {
        var i = 0;
        for (; i <= values.Length - Vector256<float>.Count; i += Vector256<float>.Count)
        {
            ref var slot = ref values[i];
            Vector256.StoreUnsafe(Apply(Vector256.LoadUnsafe(ref slot)), ref slot);
        }
        ApplyScalar(values[i..]);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ApplyScalar(Span<float> values)
    {
        for (var i = 0; i < values.Length; i++) values[i] = Apply(values[i]);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Apply(float x)
    {
        var z = MathF.Abs(x) * InvSqrt2;
        var t = 1f / (1f + P * z);
        var poly = ((((A5 * t + A4) * t + A3) * t + A2) * t + A1) * t;
        var erfAbs = 1f - poly * FastExp.Exp(-z * z);
        var erf = x < 0 ? -erfAbs : erfAbs;
        return 0.5f * x * (1f + erf);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Apply(Vector256<float> x)
    {
        var z = Vector256.Abs(x) * Vector256.Create(InvSqrt2);
        var t = Vector256<float>.One / Vector256.FusedMultiplyAdd(Vector256.Create(P), z, Vector256<float>.One);
        var poly = Vector256.FusedMultiplyAdd(Vector256.Create(A5), t, Vector256.Create(A4));
        poly = Vector256.FusedMultiplyAdd(poly, t, Vector256.Create(A3));
        poly = Vector256.FusedMultiplyAdd(poly, t, Vector256.Create(A2));
        poly = Vector256.FusedMultiplyAdd(poly, t, Vector256.Create(A1));
        poly *= t;
        var erfAbs = Vector256<float>.One - poly * FastExp.Exp(-(z * z));
        // Copy x's sign onto |erf|: erf is odd.
        var signBit = Vector256.Create(-0f);
        var erf = erfAbs | (x & signBit);
        return Vector256.Create(0.5f) * x * (Vector256<float>.One + erf);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Apply(Vector512<float> x)
    {
        var z = Vector512.Abs(x) * Vector512.Create(InvSqrt2);
        var t = Vector512<float>.One / Vector512.FusedMultiplyAdd(Vector512.Create(P), z, Vector512<float>.One);
        var poly = Vector512.FusedMultiplyAdd(Vector512.Create(A5), t, Vector512.Create(A4));
        poly = Vector512.FusedMultiplyAdd(poly, t, Vector512.Create(A3));
        poly = Vector512.FusedMultiplyAdd(poly, t, Vector512.Create(A2));
        poly = Vector512.FusedMultiplyAdd(poly, t, Vector512.Create(A1));
        poly *= t;
        var erfAbs = Vector512<float>.One - poly * FastExp.Exp(-(z * z));
        var signBit = Vector512.Create(-0f);
        var erf = erfAbs | (x & signBit);
        return Vector512.Create(0.5f) * x * (Vector512<float>.One + erf);
    }
}
