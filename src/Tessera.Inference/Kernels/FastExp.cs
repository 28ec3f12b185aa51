using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Tessera.Inference.Kernels;

/// <summary>
/// 2ᵗ for float32, the exponential the kernels share. t = n + f with n = round(t) and
/// f ∈ [−½, ½]: adding <see cref="RoundingShift"/> rounds t to an integer held in the low
/// mantissa bits, already biased by 127, so one shift makes 2ⁿ; a degree-5 minimax polynomial
/// gives 2ᶠ (relative error 9e-8 exactly, under 2e-7 as evaluated in float32).
/// Kernels wanting eˣ pass x·log₂e, folded into a multiply they make anyway. Rounding that product
/// adds a relative error of about |x|·6e-8, large only where eˣ is tiny beside what it is summed with
/// (softmax numerators below the row maximum, GELU's Gaussian tail). Two instructions fewer than a
/// Cephes-style eˣ with a split ln 2 and a degree-7 polynomial, in the two loops that dominate
/// attention and the feed-forward epilogue. Written out rather than calling Vector256.Exp or
/// TensorPrimitives so it inlines into those loops, fully optimised from the first call.
/// </summary>
internal static class FastExp
{
    public const float Log2E = 1.44269504088896341f;

    /// <summary>Inputs are clamped to this range: 2ⁿ then stays a normal float.</summary>
    public const float MinPower = -126f;
    public const float MaxPower = 127f;

    /// <summary>1.5·2²³ + 127: for |t| &lt; 2²², t + this has round(t) + 127 in its low mantissa bits.</summary>
    private const float RoundingShift = 12583039f;

    // Minimax coefficients of (2ᶠ − 1)/f on [−½, ½] (relative error of 2ᶠ), fitted for this kernel.
    private const float C1 = 6.931469776e-01f;
    private const float C2 = 2.402224208e-01f;
    private const float C3 = 5.550733754e-02f;
    private const float C4 = 9.671512870e-03f;
    private const float C5 = 1.326472389e-03f;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Exp2(float t)
    {
        t = Math.Clamp(t, MinPower, MaxPower);
        var shifted = t + RoundingShift;
        var f = t - (shifted - RoundingShift);
        var power = BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits(shifted) << 23);
        var q = (((C5 * f + C4) * f + C3) * f + C2) * f + C1;
        return (q * f + 1f) * power;
    }

    /// <summary>2ᵗ for t already within [<see cref="MinPower"/>, <see cref="MaxPower"/>]: no clamp.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Exp2InRange(Vector256<float> t)
    {
        var shift = Vector256.Create(RoundingShift);
        var shifted = t + shift;
        var f = t - (shifted - shift);
        // Only the low 9 bits (round(t) + 127) survive the shift: they become the exponent field.
        var power = (shifted.AsInt32() << 23).AsSingle();
        var q = Vector256.FusedMultiplyAdd(Vector256.Create(C5), f, Vector256.Create(C4));
        q = Vector256.FusedMultiplyAdd(q, f, Vector256.Create(C3));
        q = Vector256.FusedMultiplyAdd(q, f, Vector256.Create(C2));
        q = Vector256.FusedMultiplyAdd(q, f, Vector256.Create(C1));
        return Vector256.FusedMultiplyAdd(q, f, Vector256<float>.One) * power;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Exp2InRange(Vector512<float> t)
    {
        var shift = Vector512.Create(RoundingShift);
        var shifted = t + shift;
        var f = t - (shifted - shift);
        var power = (shifted.AsInt32() << 23).AsSingle();
        var q = Vector512.FusedMultiplyAdd(Vector512.Create(C5), f, Vector512.Create(C4));
        q = Vector512.FusedMultiplyAdd(q, f, Vector512.Create(C3));
        q = Vector512.FusedMultiplyAdd(q, f, Vector512.Create(C2));
        q = Vector512.FusedMultiplyAdd(q, f, Vector512.Create(C1));
        return Vector512.FusedMultiplyAdd(q, f, Vector512<float>.One) * power;
    }
}
