using Tessera.Inference.Kernels;

namespace Tessera.Inference.Tests;

/// <summary>The blocked GEMM against a double-precision reference, on every SIMD path (Vector512 runs emulated where not native).</summary>
public sealed unsafe class GemmTests
{
    public static TheoryData<string, int, int, int> Sizes()
    {
        var data = new TheoryData<string, int, int, int>();
        foreach (var path in Enum.GetNames<SimdPath>())
        {
            foreach (var (m, k, n) in new[] { (1, 1, 1), (7, 13, 5), (65, 33, 17), (6, 16, 16), (12, 300, 48), (97, 257, 35), (200, 64, 130), (13, 1000, 20) })
                data.Add(path, m, k, n);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Product_with_bias_matches_the_reference(string pathName, int m, int k, int n)
    {
        var path = Enum.Parse<SimdPath>(pathName);
        var a = Reference.Random(m * k, 1);
        var w = Reference.Random(n * k, 2);
        var bias = Reference.Random(n, 3);
        var c = new float[m * n];
        Run(path, a, w, bias, c, m, k, n, GemmEpilogue.None, new ComputeThreads(1));
        Reference.AssertClose(Reference.MatMulTransposed(a, w, m, k, n, bias), c, 1e-5 * Math.Sqrt(k), $"{path} {m}x{k}x{n}");
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Accumulate_and_gelu_epilogues_match_the_reference_on_three_threads(string pathName, int m, int k, int n)
    {
        var path = Enum.Parse<SimdPath>(pathName);
        var a = Reference.Random(m * k, 4);
        var w = Reference.Random(n * k, 5);
        var bias = Reference.Random(n, 6);
        var residual = Reference.Random(m * n, 7);
        var c = (float[])residual.Clone();
        Run(path, a, w, bias, c, m, k, n, GemmEpilogue.AccumulateIntoC, new ComputeThreads(3));
        var expected = Reference.MatMulTransposed(a, w, m, k, n, bias);
        for (var i = 0; i < expected.Length; i++) expected[i] += residual[i];
        Reference.AssertClose(expected, c, 1e-5 * Math.Sqrt(k), $"{path} accumulate");

        var activated = new float[m * n];
        Run(path, a, w, bias, activated, m, k, n, GemmEpilogue.Gelu, new ComputeThreads(3));
        var product = Reference.MatMulTransposed(a, w, m, k, n, bias);
        Reference.AssertClose(product.Select(Reference.Gelu).ToArray(), activated, 1e-5 * Math.Sqrt(k), $"{path} gelu");
    }

    [Fact]
    public void Depth_major_packing_gives_the_same_product_as_output_major()
    {
        const int m = 9, k = 37, n = 21;
        var a = Reference.Random(m * k, 8);
        var w = Reference.Random(n * k, 9);
        var transposed = new float[k * n];
        for (var j = 0; j < n; j++)
        {
            for (var p = 0; p < k; p++) transposed[p * n + j] = w[j * k + p];
        }
        var packed = new float[PackedMatrix.PackedLength(k, n)];
        var c = new float[m * n];
        fixed (float* source = transposed, destination = packed, pa = a, pc = c)
        {
            PackedMatrix.PackDepthMajor(source, n, k, n, destination);
            Gemm.Multiply(new Gemm.Operands(pa, k, m, k, destination, n, pc, n, null), GemmEpilogue.None, SimdPath.Vector256, ComputeThreads.Single);
        }
        Reference.AssertClose(Reference.MatMulTransposed(a, w, m, k, n, null), c, 1e-4, "depth-major");
    }

    private static void Run(SimdPath path, float[] a, float[] w, float[] bias, float[] c, int m, int k, int n, GemmEpilogue epilogue, ComputeThreads threads)
    {
        var packed = PackedMatrix.FromOutputMajor(w, n, k);
        fixed (float* pa = a, pb = bias, pc = c)
        {
            Gemm.Multiply(new Gemm.Operands(pa, k, m, k, packed.Pointer, n, pc, n, pb), epilogue, path, threads);
        }
    }
}
