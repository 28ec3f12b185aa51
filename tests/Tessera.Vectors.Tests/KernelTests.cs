using Tessera.Vectors.Kernels;
using System.Runtime.Intrinsics;

namespace Tessera.Vectors.Tests;

public sealed unsafe class KernelTests
{
    public static TheoryData<int> Lengths()
    {
        var lengths = new TheoryData<int>();
        for (var n = 0; n <= 70; n++) lengths.Add(n);
        foreach (var n in new[] { 100, 127, 128, 129, 255, 256, 257, 320, 384, 768, 1000, 1536 }) lengths.Add(n);
        return lengths;
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Every_width_matches_the_scalar_reference(int n)
    {
        var a = TestVectors.Uniform(n, seed: n);
        var b = TestVectors.Uniform(n, seed: n + 1000);
        var (dot, dotScale) = ReferenceDot(a, b);
        var (l2, l2Scale) = ReferenceSquaredL2(a, b);

        AssertClose(dot, dotScale, VectorKernels.Dot(a, b), n, "Dot");
        AssertClose(l2, l2Scale, VectorKernels.SquaredL2(a, b), n, "SquaredL2");
        fixed (float* pa = a, pb = b)
        {
            AssertClose(dot, dotScale, VectorKernels.DotScalar(pa, pb, n), n, "DotScalar");
            AssertClose(l2, l2Scale, VectorKernels.SquaredL2Scalar(pa, pb, n), n, "SquaredL2Scalar");
            if (Vector128.IsHardwareAccelerated && n >= 4)
            {
                AssertClose(dot, dotScale, VectorKernels.DotVector128(pa, pb, n), n, "DotVector128");
                AssertClose(l2, l2Scale, VectorKernels.SquaredL2Vector128(pa, pb, n), n, "SquaredL2Vector128");
            }
            if (Vector256.IsHardwareAccelerated && n >= 8)
            {
                AssertClose(dot, dotScale, VectorKernels.DotVector256(pa, pb, n), n, "DotVector256");
                AssertClose(l2, l2Scale, VectorKernels.SquaredL2Vector256(pa, pb, n), n, "SquaredL2Vector256");
            }
            if (Vector512.IsHardwareAccelerated && n >= 16)
            {
                AssertClose(dot, dotScale, VectorKernels.DotVector512(pa, pb, n), n, "DotVector512");
                AssertClose(l2, l2Scale, VectorKernels.SquaredL2Vector512(pa, pb, n), n, "SquaredL2Vector512");
            }
        }
    }

    [Fact]
    public void Distance_of_a_vector_to_itself_is_zero_and_normalize_gives_unit_length()
    {
        var v = TestVectors.Uniform(77, seed: 3);
        Assert.Equal(0f, VectorKernels.SquaredL2(v, v));
        VectorKernels.Normalize(v);
        Assert.Equal(1f, VectorKernels.Dot(v, v), 5);
        var zero = new float[9];
        VectorKernels.Normalize(zero);
        Assert.All(zero, x => Assert.Equal(0f, x));
    }

    [Fact]
    public void Vectors_of_different_lengths_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => VectorKernels.Dot(new float[3], new float[4]));
    }

    private static (double Value, double Scale) ReferenceDot(float[] a, float[] b)
    {
        double sum = 0, scale = 0;
        for (var i = 0; i < a.Length; i++)
        {
            sum += (double)a[i] * b[i];
            scale += Math.Abs((double)a[i] * b[i]);
        }
        return (sum, scale);
    }

    private static (double Value, double Scale) ReferenceSquaredL2(float[] a, float[] b)
    {
        double sum = 0;
        for (var i = 0; i < a.Length; i++)
        {
            var d = (double)a[i] - b[i];
            sum += d * d;
        }
        return (sum, sum);
    }

    /// <summary>Within 1e-5 relative to the magnitude of the summed terms, since cancellation makes a pure relative bound meaningless.</summary>
    private static void AssertClose(double expected, double scale, float actual, int n, string kernel)
    {
        var tolerance = 1e-5 * Math.Max(scale, 1e-6);
        Assert.True(Math.Abs(expected - actual) <= tolerance, $"{kernel}(n={n}): expected {expected}, got {actual} (tolerance {tolerance}).");
    }
}
