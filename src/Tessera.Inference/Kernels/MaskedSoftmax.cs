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

    /// <summary><see cref="MinExponent"/> in powers of two, the unit the exponentials work in.</summary>
    private const float MinPower = MinExponent * FastExp.Log2E;

    public static unsafe void Apply(Span<float> row, int validKeys, SimdPath path)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(validKeys, row.Length);
        row[validKeys..].Clear();
        float inverseSum;
        fixed (float* values = row) ApplyUnnormalized(values, 0, 1, validKeys, &inverseSum, path);
        VectorLoops.Scale(row[..validKeys], inverseSum, row, path);
    }

    /// <summary>
    /// The softmax numerators exp(xᵢ − max) of <paramref name="rows"/> rows of
    /// <paramref name="validKeys"/> scores, <paramref name="stride"/> apart, in place, and the inverse
    /// of each row's sum. Attention divides the (much narrower) probability × value product by
    /// the sum instead of every probability, and passes a register tile of rows per call.
    /// </summary>
    public static unsafe void ApplyUnnormalized(float* scores, nint stride, int rows, int validKeys, float* inverseSums, SimdPath path)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(validKeys, 1);
        switch (path)
        {
            case SimdPath.Vector512: Rows512(scores, stride, rows, validKeys, inverseSums); break;
            case SimdPath.Vector256: Rows256(scores, stride, rows, validKeys, inverseSums); break;
            default: RowsScalar(scores, stride, rows, validKeys, inverseSums); break;
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static unsafe void Rows512(float* scores, nint stride, int rows, int validKeys, float* inverseSums)
    {
        for (var r = 0; r < rows; r++) inverseSums[r] = 1f / Unnormalized512(new Span<float>(scores + r * stride, validKeys));
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static unsafe void Rows256(float* scores, nint stride, int rows, int validKeys, float* inverseSums)
    {
        for (var r = 0; r < rows; r++) inverseSums[r] = 1f / Unnormalized256(new Span<float>(scores + r * stride, validKeys));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void RowsScalar(float* scores, nint stride, int rows, int validKeys, float* inverseSums)
    {
        for (var r = 0; r < rows; r++) inverseSums[r] = 1f / UnnormalizedScalar(new Span<float>(scores + r * stride, validKeys));
    }

    // One method per width, each inlined into its own never-inlined row loop above, so each gets
    // its own inlining budget and the exp inlines (see Gelu). eˣ⁻ᵐᵃˣ is computed as
    // 2^(x·log₂e − max·log₂e), one fused multiply-add; the rounding of max·log₂e scales every
    // numerator alike and cancels in the normalisation.
    // Two vectors per step with two partial sums (one exp is a long dependency chain), and two
    // running maxima. MaxNative is one instruction where the IEEE Max is six; scores are never NaN.
    // A row that is not a whole number of vectors ends with one vector overlapping the body: it
    // is exponentiated from the scores before the body overwrites them, and only its new lanes
    // are stored and summed. Rows shorter than one vector take the scalar path.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Unnormalized512(Span<float> values)
    {
        const int width = 16;
        if (values.Length < width) return UnnormalizedScalar(values);
        ref var start = ref MemoryMarshal.GetReference(values);
        var whole = values.Length / width * width;
        var last = (nuint)(values.Length - width);
        var lastScores = Vector512.LoadUnsafe(ref start, last);
        var best0 = lastScores;
        var best1 = lastScores;
        var i = 0;
        for (; i + 2 * width <= whole; i += 2 * width)
        {
            best0 = Vector512.MaxNative(best0, Vector512.LoadUnsafe(ref start, (nuint)i));
            best1 = Vector512.MaxNative(best1, Vector512.LoadUnsafe(ref start, (nuint)(i + width)));
        }
        if (i < whole) best0 = Vector512.MaxNative(best0, Vector512.LoadUnsafe(ref start, (nuint)i));
        var best = Vector512.MaxNative(best0, best1);
        var max = HorizontalMax(Vector256.MaxNative(best.GetLower(), best.GetUpper()));
        var log2E = Vector512.Create(FastExp.Log2E);
        var offset = Vector512.Create(-max * FastExp.Log2E);
        var floor = Vector512.Create(MinPower);
        var lastNumerators = FastExp.Exp2InRange(Vector512.MaxNative(floor, Vector512.FusedMultiplyAdd(lastScores, log2E, offset)));
        Vector512<float> total0 = Vector512<float>.Zero, total1 = Vector512<float>.Zero;
        var j = 0;
        for (; j + 2 * width <= whole; j += 2 * width)
        {
            var e0 = FastExp.Exp2InRange(Vector512.MaxNative(floor, Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref start, (nuint)j), log2E, offset)));
            var e1 = FastExp.Exp2InRange(Vector512.MaxNative(floor, Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref start, (nuint)(j + width)), log2E, offset)));
            e0.StoreUnsafe(ref start, (nuint)j);
            e1.StoreUnsafe(ref start, (nuint)(j + width));
            total0 += e0;
            total1 += e1;
        }
        if (j < whole)
        {
            var e = FastExp.Exp2InRange(Vector512.MaxNative(floor, Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref start, (nuint)j), log2E, offset)));
            e.StoreUnsafe(ref start, (nuint)j);
            total0 += e;
        }
        if (whole < values.Length)
        {
            var fresh = Vector512.GreaterThanOrEqual(Vector512<int>.Indices, Vector512.Create(whole - (int)last)).AsSingle();
            Vector512.ConditionalSelect(fresh, lastNumerators, Vector512.LoadUnsafe(ref start, last)).StoreUnsafe(ref start, last);
            total1 += lastNumerators & fresh;
        }
        return Vector512.Sum(total0 + total1);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Unnormalized256(Span<float> values)
    {
        const int width = 8;
        if (values.Length < width) return UnnormalizedScalar(values);
        ref var start = ref MemoryMarshal.GetReference(values);
        var whole = values.Length / width * width;
        var last = (nuint)(values.Length - width);
        var lastScores = Vector256.LoadUnsafe(ref start, last);
        var best0 = lastScores;
        var best1 = lastScores;
        var i = 0;
        for (; i + 2 * width <= whole; i += 2 * width)
        {
            best0 = Vector256.MaxNative(best0, Vector256.LoadUnsafe(ref start, (nuint)i));
            best1 = Vector256.MaxNative(best1, Vector256.LoadUnsafe(ref start, (nuint)(i + width)));
        }
        if (i < whole) best0 = Vector256.MaxNative(best0, Vector256.LoadUnsafe(ref start, (nuint)i));
        var max = HorizontalMax(Vector256.MaxNative(best0, best1));
        var log2E = Vector256.Create(FastExp.Log2E);
        var offset = Vector256.Create(-max * FastExp.Log2E);
        var floor = Vector256.Create(MinPower);
        var lastNumerators = FastExp.Exp2InRange(Vector256.MaxNative(floor, Vector256.FusedMultiplyAdd(lastScores, log2E, offset)));
        Vector256<float> total0 = Vector256<float>.Zero, total1 = Vector256<float>.Zero;
        var j = 0;
        for (; j + 2 * width <= whole; j += 2 * width)
        {
            var e0 = FastExp.Exp2InRange(Vector256.MaxNative(floor, Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref start, (nuint)j), log2E, offset)));
            var e1 = FastExp.Exp2InRange(Vector256.MaxNative(floor, Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref start, (nuint)(j + width)), log2E, offset)));
            e0.StoreUnsafe(ref start, (nuint)j);
            e1.StoreUnsafe(ref start, (nuint)(j + width));
            total0 += e0;
            total1 += e1;
        }
        if (j < whole)
        {
            var e = FastExp.Exp2InRange(Vector256.MaxNative(floor, Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref start, (nuint)j), log2E, offset)));
            e.StoreUnsafe(ref start, (nuint)j);
            total0 += e;
        }
        if (whole < values.Length)
        {
            var fresh = Vector256.GreaterThanOrEqual(Vector256<int>.Indices, Vector256.Create(whole - (int)last)).AsSingle();
            Vector256.ConditionalSelect(fresh, lastNumerators, Vector256.LoadUnsafe(ref start, last)).StoreUnsafe(ref start, last);
            total1 += lastNumerators & fresh;
        }
        return Vector256.Sum(total0 + total1);
    }

    /// <summary>The whole row in scalar code: the scalar path, and rows shorter than one vector.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float UnnormalizedScalar(Span<float> values)
    {
        var max = float.NegativeInfinity;
        foreach (var value in values) max = MathF.Max(max, value);
        var sum = 0f;
        for (var i = 0; i < values.Length; i++)
        {
            var e = FastExp.Exp2(MathF.Max(values[i] * FastExp.Log2E - max * FastExp.Log2E, MinPower));
            values[i] = e;
            sum += e;
        }
        return sum;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float HorizontalMax(Vector256<float> values)
    {
        var m = Vector128.MaxNative(values.GetLower(), values.GetUpper());
        m = Vector128.MaxNative(m, Vector128.Shuffle(m, Vector128.Create(2, 3, 0, 1)));
        m = Vector128.MaxNative(m, Vector128.Shuffle(m, Vector128.Create(1, 0, 3, 2)));
        return m.ToScalar();
    }
}
