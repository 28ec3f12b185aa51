using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Tessera.Inference.Kernels;

/// <summary>
/// exp for float32 in the Cephes <c>expf</c> form: x = n·ln2 + r with ln2 split in two for
/// exactness, a degree-6 polynomial for eʳ, and 2ⁿ put straight into the exponent bits
/// (≤ 2 ulp on [−87, 88]). Written out here, rather than calling Vector256.Exp or
/// TensorPrimitives.Exp, so it inlines into the kernels that use it: those framework paths run
/// slowly until the JIT tiers them up, which a short CLI run may never wait for.
/// </summary>
internal static class FastExp
{
    private const float Log2E = 1.44269504088896341f;
    private const float Ln2High = 0.693359375f;
    private const float Ln2Low = -2.12194440e-4f;
    private const float P0 = 1.9875691500e-4f;
    private const float P1 = 1.3981999507e-3f;
    private const float P2 = 8.3334519073e-3f;
    private const float P3 = 4.1665795894e-2f;
    private const float P4 = 1.6666665459e-1f;
    private const float P5 = 5.0000001201e-1f;

    /// <summary>Inputs are clamped to this range: beyond it the result would overflow or turn denormal.</summary>
    public const float MinInput = -87f;
    public const float MaxInput = 88f;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Exp(float x)
    {
        x = Math.Clamp(x, MinInput, MaxInput);
        var n = MathF.Floor(x * Log2E + 0.5f);
        var r = x - n * Ln2High - n * Ln2Low;
        var y = Polynomial(r);
        return y * BitConverter.Int32BitsToSingle(((int)n + 127) << 23);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Exp(Vector256<float> x) =>
        ExpInRange(Vector256.Min(Vector256.Max(x, Vector256.Create(MinInput)), Vector256.Create(MaxInput)));

    /// <summary>exp for inputs already within [<see cref="MinInput"/>, <see cref="MaxInput"/>] (softmax's shifted, floored scores): no clamp.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> ExpInRange(Vector256<float> x)
    {
        var n = Vector256.Floor(Vector256.FusedMultiplyAdd(x, Vector256.Create(Log2E), Vector256.Create(0.5f)));
        var r = Vector256.FusedMultiplyAdd(n, Vector256.Create(-Ln2High), x);
        r = Vector256.FusedMultiplyAdd(n, Vector256.Create(-Ln2Low), r);
        var p = Vector256.FusedMultiplyAdd(Vector256.Create(P0), r, Vector256.Create(P1));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(P2));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(P3));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(P4));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(P5));
        var y = Vector256.FusedMultiplyAdd(p, r * r, r + Vector256<float>.One);
        // n is within [−126, 127] in range: the plain conversion instruction is exact.
        var scale = (Vector256.ConvertToInt32Native(n) + Vector256.Create(127)) << 23;
        return y * scale.AsSingle();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Exp(Vector512<float> x) =>
        ExpInRange(Vector512.Min(Vector512.Max(x, Vector512.Create(MinInput)), Vector512.Create(MaxInput)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> ExpInRange(Vector512<float> x)
    {
        var n = Vector512.Floor(Vector512.FusedMultiplyAdd(x, Vector512.Create(Log2E), Vector512.Create(0.5f)));
        var r = Vector512.FusedMultiplyAdd(n, Vector512.Create(-Ln2High), x);
        r = Vector512.FusedMultiplyAdd(n, Vector512.Create(-Ln2Low), r);
        var p = Vector512.FusedMultiplyAdd(Vector512.Create(P0), r, Vector512.Create(P1));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(P2));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(P3));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(P4));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(P5));
        var y = Vector512.FusedMultiplyAdd(p, r * r, r + Vector512<float>.One);
        var scale = (Vector512.ConvertToInt32Native(n) + Vector512.Create(127)) << 23;
        return y * scale.AsSingle();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Polynomial(float r)
    {
        var p = ((((P0 * r + P1) * r + P2) * r + P3) * r + P4) * r + P5;
        return p * r * r + r + 1f;
    }
}
