using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Tessera.Vectors.Kernels;

/// <summary>
/// Float32 distance kernels for any dimension. Each kernel tries the widest hardware width first
/// (Vector512, then Vector256, then Vector128) and falls back to a scalar loop; the width checks are
/// JIT-time constants, so only one path survives in the compiled code.
/// </summary>
/// <remarks>
/// The vector paths keep four independent fused multiply-add accumulators so the adds do not wait on
/// each other, and finish with one masked load of the last full vector instead of a scalar tail.
/// </remarks>
public static unsafe class VectorKernels
{
    /// <summary>The inner product of two vectors of equal length.</summary>
    public static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        ThrowIfLengthsDiffer(a, b);
        fixed (float* pa = a, pb = b) return Dot(pa, pb, a.Length);
    }

    /// <summary>The squared Euclidean distance between two vectors of equal length.</summary>
    public static float SquaredL2(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        ThrowIfLengthsDiffer(a, b);
        fixed (float* pa = a, pb = b) return SquaredL2(pa, pb, a.Length);
    }

    /// <summary>Scales <paramref name="vector"/> in place to unit length; a zero vector stays zero.</summary>
    public static void Normalize(Span<float> vector)
    {
        var norm = MathF.Sqrt(Dot(vector, vector));
        if (norm > 0f) System.Numerics.Tensors.TensorPrimitives.Divide(vector, norm, vector);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static float Dot(float* a, float* b, int n)
    {
        if (Vector512.IsHardwareAccelerated && n >= Vector512<float>.Count) return DotVector512(a, b, n);
        if (Vector256.IsHardwareAccelerated && n >= Vector256<float>.Count) return DotVector256(a, b, n);
        if (Vector128.IsHardwareAccelerated && n >= Vector128<float>.Count) return DotVector128(a, b, n);
        return DotScalar(a, b, n);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static float SquaredL2(float* a, float* b, int n)
    {
        if (Vector512.IsHardwareAccelerated && n >= Vector512<float>.Count) return SquaredL2Vector512(a, b, n);
        if (Vector256.IsHardwareAccelerated && n >= Vector256<float>.Count) return SquaredL2Vector256(a, b, n);
        if (Vector128.IsHardwareAccelerated && n >= Vector128<float>.Count) return SquaredL2Vector128(a, b, n);
        return SquaredL2Scalar(a, b, n);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static float DotScalar(float* a, float* b, int n)
    {
        var sum = 0f;
        for (var i = 0; i < n; i++) sum += a[i] * b[i];
        return sum;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static float SquaredL2Scalar(float* a, float* b, int n)
    {
        var sum = 0f;
        for (var i = 0; i < n; i++)
        {
            var d = a[i] - b[i];
            sum += d * d;
        }
        return sum;
    }

    /// <summary>Requires <paramref name="n"/> ≥ 16.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static float DotVector512(float* a, float* b, int n)
    {
        Vector512<float> s0 = default, s1 = default, s2 = default, s3 = default;
        var i = 0;
        for (; i <= n - 64; i += 64)
        {
            s0 = Vector512.MultiplyAddEstimate(Vector512.Load(a + i), Vector512.Load(b + i), s0);
            s1 = Vector512.MultiplyAddEstimate(Vector512.Load(a + i + 16), Vector512.Load(b + i + 16), s1);
            s2 = Vector512.MultiplyAddEstimate(Vector512.Load(a + i + 32), Vector512.Load(b + i + 32), s2);
            s3 = Vector512.MultiplyAddEstimate(Vector512.Load(a + i + 48), Vector512.Load(b + i + 48), s3);
        }
        for (; i <= n - 16; i += 16) s0 = Vector512.MultiplyAddEstimate(Vector512.Load(a + i), Vector512.Load(b + i), s0);
        if (i < n)
        {
            // Reload the last full vector and zero the lanes the loop already summed.
            var mask = Vector512.GreaterThanOrEqual(Vector512<int>.Indices, Vector512.Create(16 - (n - i))).AsSingle();
            s1 = Vector512.MultiplyAddEstimate(Vector512.Load(a + n - 16) & mask, Vector512.Load(b + n - 16), s1);
        }
        return Vector512.Sum((s0 + s1) + (s2 + s3));
    }

    /// <summary>Requires <paramref name="n"/> ≥ 8.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static float DotVector256(float* a, float* b, int n)
    {
        Vector256<float> s0 = default, s1 = default, s2 = default, s3 = default;
        var i = 0;
        for (; i <= n - 32; i += 32)
        {
            s0 = Vector256.MultiplyAddEstimate(Vector256.Load(a + i), Vector256.Load(b + i), s0);
            s1 = Vector256.MultiplyAddEstimate(Vector256.Load(a + i + 8), Vector256.Load(b + i + 8), s1);
            s2 = Vector256.MultiplyAddEstimate(Vector256.Load(a + i + 16), Vector256.Load(b + i + 16), s2);
            s3 = Vector256.MultiplyAddEstimate(Vector256.Load(a + i + 24), Vector256.Load(b + i + 24), s3);
        }
        for (; i <= n - 8; i += 8) s0 = Vector256.MultiplyAddEstimate(Vector256.Load(a + i), Vector256.Load(b + i), s0);
        if (i < n)
        {
            var mask = Vector256.GreaterThanOrEqual(Vector256<int>.Indices, Vector256.Create(8 - (n - i))).AsSingle();
            s1 = Vector256.MultiplyAddEstimate(Vector256.Load(a + n - 8) & mask, Vector256.Load(b + n - 8), s1);
        }
        return Vector256.Sum((s0 + s1) + (s2 + s3));
    }

    /// <summary>Requires <paramref name="n"/> ≥ 4.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static float DotVector128(float* a, float* b, int n)
    {
        Vector128<float> s0 = default, s1 = default, s2 = default, s3 = default;
        var i = 0;
        for (; i <= n - 16; i += 16)
        {
            s0 = Vector128.MultiplyAddEstimate(Vector128.Load(a + i), Vector128.Load(b + i), s0);
            s1 = Vector128.MultiplyAddEstimate(Vector128.Load(a + i + 4), Vector128.Load(b + i + 4), s1);
            s2 = Vector128.MultiplyAddEstimate(Vector128.Load(a + i + 8), Vector128.Load(b + i + 8), s2);
            s3 = Vector128.MultiplyAddEstimate(Vector128.Load(a + i + 12), Vector128.Load(b + i + 12), s3);
        }
        for (; i <= n - 4; i += 4) s0 = Vector128.MultiplyAddEstimate(Vector128.Load(a + i), Vector128.Load(b + i), s0);
        if (i < n)
        {
            var mask = Vector128.GreaterThanOrEqual(Vector128<int>.Indices, Vector128.Create(4 - (n - i))).AsSingle();
            s1 = Vector128.MultiplyAddEstimate(Vector128.Load(a + n - 4) & mask, Vector128.Load(b + n - 4), s1);
        }
        return Vector128.Sum((s0 + s1) + (s2 + s3));
    }

    /// <summary>Requires <paramref name="n"/> ≥ 16.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static float SquaredL2Vector512(float* a, float* b, int n)
    {
        Vector512<float> s0 = default, s1 = default, s2 = default, s3 = default;
        var i = 0;
        for (; i <= n - 64; i += 64)
        {
            var d0 = Vector512.Load(a + i) - Vector512.Load(b + i);
            var d1 = Vector512.Load(a + i + 16) - Vector512.Load(b + i + 16);
            var d2 = Vector512.Load(a + i + 32) - Vector512.Load(b + i + 32);
            var d3 = Vector512.Load(a + i + 48) - Vector512.Load(b + i + 48);
            s0 = Vector512.MultiplyAddEstimate(d0, d0, s0);
            s1 = Vector512.MultiplyAddEstimate(d1, d1, s1);
            s2 = Vector512.MultiplyAddEstimate(d2, d2, s2);
            s3 = Vector512.MultiplyAddEstimate(d3, d3, s3);
        }
        for (; i <= n - 16; i += 16)
        {
            var d = Vector512.Load(a + i) - Vector512.Load(b + i);
            s0 = Vector512.MultiplyAddEstimate(d, d, s0);
        }
        if (i < n)
        {
            var mask = Vector512.GreaterThanOrEqual(Vector512<int>.Indices, Vector512.Create(16 - (n - i))).AsSingle();
            var d = (Vector512.Load(a + n - 16) - Vector512.Load(b + n - 16)) & mask;
            s1 = Vector512.MultiplyAddEstimate(d, d, s1);
        }
        return Vector512.Sum((s0 + s1) + (s2 + s3));
    }

    /// <summary>Requires <paramref name="n"/> ≥ 8.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static float SquaredL2Vector256(float* a, float* b, int n)
    {
        Vector256<float> s0 = default, s1 = default, s2 = default, s3 = default;
        var i = 0;
        for (; i <= n - 32; i += 32)
        {
            var d0 = Vector256.Load(a + i) - Vector256.Load(b + i);
            var d1 = Vector256.Load(a + i + 8) - Vector256.Load(b + i + 8);
            var d2 = Vector256.Load(a + i + 16) - Vector256.Load(b + i + 16);
            var d3 = Vector256.Load(a + i + 24) - Vector256.Load(b + i + 24);
            s0 = Vector256.MultiplyAddEstimate(d0, d0, s0);
            s1 = Vector256.MultiplyAddEstimate(d1, d1, s1);
            s2 = Vector256.MultiplyAddEstimate(d2, d2, s2);
            s3 = Vector256.MultiplyAddEstimate(d3, d3, s3);
        }
        for (; i <= n - 8; i += 8)
        {
            var d = Vector256.Load(a + i) - Vector256.Load(b + i);
            s0 = Vector256.MultiplyAddEstimate(d, d, s0);
        }
        if (i < n)
        {
            var mask = Vector256.GreaterThanOrEqual(Vector256<int>.Indices, Vector256.Create(8 - (n - i))).AsSingle();
            var d = (Vector256.Load(a + n - 8) - Vector256.Load(b + n - 8)) & mask;
            s1 = Vector256.MultiplyAddEstimate(d, d, s1);
        }
        return Vector256.Sum((s0 + s1) + (s2 + s3));
    }

    /// <summary>Requires <paramref name="n"/> ≥ 4.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static float SquaredL2Vector128(float* a, float* b, int n)
    {
        Vector128<float> s0 = default, s1 = default, s2 = default, s3 = default;
        var i = 0;
        for (; i <= n - 16; i += 16)
        {
            var d0 = Vector128.Load(a + i) - Vector128.Load(b + i);
            var d1 = Vector128.Load(a + i + 4) - Vector128.Load(b + i + 4);
            var d2 = Vector128.Load(a + i + 8) - Vector128.Load(b + i + 8);
            var d3 = Vector128.Load(a + i + 12) - Vector128.Load(b + i + 12);
            s0 = Vector128.MultiplyAddEstimate(d0, d0, s0);
            s1 = Vector128.MultiplyAddEstimate(d1, d1, s1);
            s2 = Vector128.MultiplyAddEstimate(d2, d2, s2);
            s3 = Vector128.MultiplyAddEstimate(d3, d3, s3);
        }
        for (; i <= n - 4; i += 4)
        {
            var d = Vector128.Load(a + i) - Vector128.Load(b + i);
            s0 = Vector128.MultiplyAddEstimate(d, d, s0);
        }
        if (i < n)
        {
            var mask = Vector128.GreaterThanOrEqual(Vector128<int>.Indices, Vector128.Create(4 - (n - i))).AsSingle();
            var d = (Vector128.Load(a + n - 4) - Vector128.Load(b + n - 4)) & mask;
            s1 = Vector128.MultiplyAddEstimate(d, d, s1);
        }
        return Vector128.Sum((s0 + s1) + (s2 + s3));
    }

    private static void ThrowIfLengthsDiffer(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length != b.Length) throw new ArgumentException($"Vectors differ in length ({a.Length} and {b.Length}).", nameof(b));
    }
}
