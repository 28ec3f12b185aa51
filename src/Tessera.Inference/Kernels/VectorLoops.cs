using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Tessera.Inference.Kernels;

/// <summary>
/// The few row reductions and maps the transformer needs, at an explicit width. They duplicate
/// TensorPrimitives on purpose: measured in a short process, the generic TensorPrimitives paths
/// ran 10–40× slower than these until tiered compilation caught up, while these are compiled
/// fully optimised on first use.
/// </summary>
internal static class VectorLoops
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float Sum(ReadOnlySpan<float> values, SimdPath path)
    {
        var i = 0;
        var sum = 0f;
        ref var start = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(values);
        if (path == SimdPath.Vector512 && values.Length >= Vector512<float>.Count)
        {
            var total = Vector512<float>.Zero;
            for (; i <= values.Length - Vector512<float>.Count; i += Vector512<float>.Count) total += Vector512.LoadUnsafe(ref start, (nuint)i);
            sum = Vector512.Sum(total);
        }
        else if (path != SimdPath.Scalar && values.Length >= Vector256<float>.Count)
        {
            var total = Vector256<float>.Zero;
            for (; i <= values.Length - Vector256<float>.Count; i += Vector256<float>.Count) total += Vector256.LoadUnsafe(ref start, (nuint)i);
            sum = Vector256.Sum(total);
        }
        for (; i < values.Length; i++) sum += values[i];
        return sum;
    }

    /// <summary>Σ (x − shift)², the centred second moment.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float SumOfSquaredDeviations(ReadOnlySpan<float> values, float shift, SimdPath path)
    {
        var i = 0;
        var sum = 0f;
        ref var start = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(values);
        if (path == SimdPath.Vector512 && values.Length >= Vector512<float>.Count)
        {
            var total = Vector512<float>.Zero;
            var center = Vector512.Create(shift);
            for (; i <= values.Length - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                var d = Vector512.LoadUnsafe(ref start, (nuint)i) - center;
                total = Vector512.FusedMultiplyAdd(d, d, total);
            }
            sum = Vector512.Sum(total);
        }
        else if (path != SimdPath.Scalar && values.Length >= Vector256<float>.Count)
        {
            var total = Vector256<float>.Zero;
            var center = Vector256.Create(shift);
            for (; i <= values.Length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                var d = Vector256.LoadUnsafe(ref start, (nuint)i) - center;
                total = Vector256.FusedMultiplyAdd(d, d, total);
            }
            sum = Vector256.Sum(total);
        }
        for (; i < values.Length; i++)
        {
            var d = values[i] - shift;
            sum += d * d;
        }
        return sum;
    }

    /// <summary>destination = values · factor; the spans may be the same memory.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Scale(ReadOnlySpan<float> values, float factor, Span<float> destination, SimdPath path)
    {
        if (destination.Length < values.Length) throw new ArgumentException("The destination is shorter than the values.", nameof(destination));
        var i = 0;
        ref var source = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(values);
        ref var target = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(destination);
        if (path == SimdPath.Vector512)
        {
            var f = Vector512.Create(factor);
            for (; i <= values.Length - Vector512<float>.Count; i += Vector512<float>.Count) (Vector512.LoadUnsafe(ref source, (nuint)i) * f).StoreUnsafe(ref target, (nuint)i);
        }
        else if (path == SimdPath.Vector256)
        {
            var f = Vector256.Create(factor);
            for (; i <= values.Length - Vector256<float>.Count; i += Vector256<float>.Count) (Vector256.LoadUnsafe(ref source, (nuint)i) * f).StoreUnsafe(ref target, (nuint)i);
        }
        for (; i < values.Length; i++) destination[i] = values[i] * factor;
    }

    /// <summary>y = (x − shift)·factor·γ + β, the layer-norm affine step.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void NormalizeAffine(ReadOnlySpan<float> x, Span<float> y, float shift, float factor, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, SimdPath path)
    {
        var i = 0;
        ref var xs = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(x);
        ref var ys = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(y);
        ref var gs = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(gamma);
        ref var bs = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(beta);
        if (path == SimdPath.Vector512)
        {
            var c = Vector512.Create(shift);
            var f = Vector512.Create(factor);
            for (; i <= x.Length - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                var n = (Vector512.LoadUnsafe(ref xs, (nuint)i) - c) * f;
                Vector512.FusedMultiplyAdd(n, Vector512.LoadUnsafe(ref gs, (nuint)i), Vector512.LoadUnsafe(ref bs, (nuint)i)).StoreUnsafe(ref ys, (nuint)i);
            }
        }
        else if (path == SimdPath.Vector256)
        {
            var c = Vector256.Create(shift);
            var f = Vector256.Create(factor);
            for (; i <= x.Length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                var n = (Vector256.LoadUnsafe(ref xs, (nuint)i) - c) * f;
                Vector256.FusedMultiplyAdd(n, Vector256.LoadUnsafe(ref gs, (nuint)i), Vector256.LoadUnsafe(ref bs, (nuint)i)).StoreUnsafe(ref ys, (nuint)i);
            }
        }
        for (; i < x.Length; i++) y[i] = (x[i] - shift) * factor * gamma[i] + beta[i];
    }
}
