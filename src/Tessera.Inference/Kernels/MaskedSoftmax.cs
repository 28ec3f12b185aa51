using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Tessera.Inference.Kernels;

/// <summary>
/// Row softmax with a key-padding mask. Padding sits at the end of every sequence, so the mask
/// is a valid-key count: keys at or past it are −∞ before the softmax, which is exactly zero
/// after it; they are written as that zero rather than exponentiated.
/// </summary>
/// <remarks>
/// The maximum is subtracted first so nothing overflows, and exponents are clamped at
/// <see cref="MinExponent"/>: e⁻⁸⁰ ≈ 1.8e-35 stays a normal float even after division by a sum of
/// up to 1024 terms. Without the clamp, strongly peaked rows produce denormals, which cost x86
/// cores a microcode assist per operation, here and in the probability × value product. The
/// clamp changes a probability by at most 1.8e-35. Passes: max, then exp with the sum, then the scaling.
/// </remarks>
internal static class MaskedSoftmax
{
    public const float MinExponent = -80f;

    public static void Apply(Span<float> row, int validKeys, SimdPath path)
    {
        var sum = ApplyUnnormalized(row, validKeys, path);
        VectorLoops.Scale(row[..validKeys], 1f / sum, path);
    }

    /// <summary>
    /// The softmax numerators exp(xᵢ − max), masked, and their sum. Attention divides the
    /// (much narrower) probability × value product by the sum instead of every probability.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float ApplyUnnormalized(Span<float> row, int validKeys, SimdPath path)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(validKeys, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(validKeys, row.Length);
        var valid = row[..validKeys];
        var max = VectorLoops.Max(valid, path);
        row[validKeys..].Clear();
        return ExponentiateAndSum(valid, max, path);
    }

    private static float ExponentiateAndSum(Span<float> values, float max, SimdPath path) => path switch
    {
        SimdPath.Vector512 => ExponentiateAndSum512(values, max),
        SimdPath.Vector256 => ExponentiateAndSum256(values, max),
        _ => ExponentiateAndSumScalar(values, max, 0f),
    };

    // One method per width, never inlined, so each gets its own inlining budget and the exp
    // inlines (see Gelu.Apply256).
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float ExponentiateAndSum512(Span<float> values, float max)
    {
        var i = 0;
        ref var start = ref MemoryMarshal.GetReference(values);
        var shift = Vector512.Create(max);
        var floor = Vector512.Create(MinExponent);
        var total = Vector512<float>.Zero;
        for (; i <= values.Length - Vector512<float>.Count; i += Vector512<float>.Count)
        {
            var e = FastExp.Exp(Vector512.Max(Vector512.LoadUnsafe(ref start, (nuint)i) - shift, floor));
            e.StoreUnsafe(ref start, (nuint)i);
            total += e;
        }
        return ExponentiateAndSumScalar(values[i..], max, Vector512.Sum(total));
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float ExponentiateAndSum256(Span<float> values, float max)
    {
        var i = 0;
        ref var start = ref MemoryMarshal.GetReference(values);
        var shift = Vector256.Create(max);
        var floor = Vector256.Create(MinExponent);
        var total = Vector256<float>.Zero;
        for (; i <= values.Length - Vector256<float>.Count; i += Vector256<float>.Count)
        {
            var e = FastExp.Exp(Vector256.Max(Vector256.LoadUnsafe(ref start, (nuint)i) - shift, floor));
            e.StoreUnsafe(ref start, (nuint)i);
            total += e;
        }
        return ExponentiateAndSumScalar(values[i..], max, Vector256.Sum(total));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float ExponentiateAndSumScalar(Span<float> values, float max, float sum)
    {
        for (var i = 0; i < values.Length; i++)
        {
            var e = FastExp.Exp(MathF.Max(values[i] - max, MinExponent));
            values[i] = e;
            sum += e;
        }
        return sum;
    }
}
