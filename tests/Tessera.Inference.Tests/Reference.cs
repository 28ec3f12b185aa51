namespace Tessera.Inference.Tests;

/// <summary>Plain double-precision references the kernels are checked against.</summary>
internal static class Reference
{
    /// <summary>erf by its Taylor series (|x| ≤ 5; beyond, ±1 to double precision of the test).</summary>
    public static double Erf(double x)
    {
        if (Math.Abs(x) > 5) return Math.Sign(x);
        double sum = 0, term = x;
        for (var n = 0; n < 200; n++)
        {
            sum += term / (2 * n + 1);
            term *= -x * x / (n + 1);
            if (Math.Abs(term) < 1e-17) break;
        }
        return 2 / Math.Sqrt(Math.PI) * sum;
    }

    public static double Gelu(double x) => 0.5 * x * (1 + Erf(x / Math.Sqrt(2)));

    /// <summary>C = A[m×k] · W[n×k]ᵀ (+ bias) in double.</summary>
    public static double[] MatMulTransposed(float[] a, float[] w, int m, int k, int n, float[]? bias)
    {
        var c = new double[m * n];
        for (var i = 0; i < m; i++)
        {
            for (var j = 0; j < n; j++)
            {
                double sum = bias?[j] ?? 0;
                for (var p = 0; p < k; p++) sum += (double)a[i * k + p] * w[j * k + p];
                c[i * n + j] = sum;
            }
        }
        return c;
    }

    public static float[] Random(int count, int seed, float scale = 1f)
    {
        var random = new Random(seed);
        var values = new float[count];
        for (var i = 0; i < count; i++) values[i] = (float)(random.NextDouble() * 2 - 1) * scale;
        return values;
    }

    /// <summary>Asserts |expected − actual| ≤ tolerance·max(1, |expected|) everywhere, printing the worst index.</summary>
    public static void AssertClose(ReadOnlySpan<double> expected, ReadOnlySpan<float> actual, double tolerance, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            var allowed = tolerance * Math.Max(1, Math.Abs(expected[i]));
            if (!(Math.Abs(expected[i] - actual[i]) <= allowed))
                Assert.Fail($"{what}: index {i} expected {expected[i]:R}, got {actual[i]:R} (tolerance {allowed:E2}).");
        }
    }
}
