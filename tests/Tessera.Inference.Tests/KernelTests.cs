using System.Runtime.Intrinsics;
using Tessera.Inference.Kernels;

namespace Tessera.Inference.Tests;

/// <summary>GELU, layer norm, masked softmax and rotary embeddings against scalar double references.</summary>
public sealed unsafe class KernelTests
{
    [Theory]
    [InlineData(nameof(SimdPath.Scalar))]
    [InlineData(nameof(SimdPath.Vector256))]
    [InlineData(nameof(SimdPath.Vector512))]
    public void Gelu_matches_the_erf_form_on_every_path(string pathName)
    {
        var path = Enum.Parse<SimdPath>(pathName);
        // Rows of 77 at a stride of 80 so the scalar tail runs after the vector body and the
        // three values between rows stay untouched.
        const int width = 77, stride = 80, rows = 13;
        var values = Enumerable.Range(0, rows * stride).Select(i => -8f + i * 0.016f).ToArray();
        var expected = values.Select((v, i) => i % stride < width ? Reference.Gelu(v) : v).ToArray();
        fixed (float* pointer = values) Gelu.Apply(pointer, stride, rows, width, path);
        Reference.AssertClose(expected, values, 1e-6, $"GELU {path}");
    }

    [Theory]
    [InlineData(nameof(SimdPath.Scalar))]
    [InlineData(nameof(SimdPath.Vector256))]
    [InlineData(nameof(SimdPath.Vector512))]
    public void Layer_norm_matches_the_reference_with_biased_variance(string pathName)
    {
        var path = Enum.Parse<SimdPath>(pathName);
        const int width = 37, rows = 5;
        var x = Reference.Random(width * rows, 11, 3f);
        for (var i = 0; i < x.Length; i++) x[i] += 100f; // a large mean: the two-pass variance must not cancel
        var gamma = Reference.Random(width, 12);
        var beta = Reference.Random(width, 13);
        var y = new float[x.Length];
        LayerNorm.Apply(x, y, width, gamma, beta, 1e-5f, path);
        var expected = new double[x.Length];
        for (var r = 0; r < rows; r++)
        {
            var row = x.AsSpan(r * width, width).ToArray().Select(v => (double)v).ToArray();
            var mean = row.Average();
            var variance = row.Select(v => (v - mean) * (v - mean)).Average();
            for (var j = 0; j < width; j++) expected[r * width + j] = (row[j] - mean) / Math.Sqrt(variance + 1e-5) * gamma[j] + beta[j];
        }
        Reference.AssertClose(expected, y, 1e-5, "layer norm");
    }

    [Theory]
    [InlineData(nameof(SimdPath.Scalar), 1, 1)]
    [InlineData(nameof(SimdPath.Vector256), 10, 7)]
    [InlineData(nameof(SimdPath.Vector256), 33, 33)]
    [InlineData(nameof(SimdPath.Vector256), 300, 258)]
    [InlineData(nameof(SimdPath.Vector256), 16, 16)]
    [InlineData(nameof(SimdPath.Vector512), 40, 16)]
    [InlineData(nameof(SimdPath.Vector512), 100, 3)]
    [InlineData(nameof(SimdPath.Vector512), 100, 71)]
    [InlineData(nameof(SimdPath.Scalar), 40, 29)]
    public void Masked_softmax_ignores_keys_past_the_valid_length(string pathName, int length, int valid)
    {
        var path = Enum.Parse<SimdPath>(pathName);
        var row = Reference.Random(length, 14, 30f); // large scores: the max must be subtracted
        var expected = new double[length];
        var max = row.Take(valid).Max();
        var sum = row.Take(valid).Sum(v => Math.Exp(v - max));
        for (var i = 0; i < valid; i++) expected[i] = Math.Exp(row[i] - max) / sum;
        MaskedSoftmax.Apply(row, valid, path);
        Reference.AssertClose(expected, row, 1e-6, "softmax");
        Assert.All(row.Skip(valid), v => Assert.Equal(0f, v));
    }

    [Fact]
    public void Fast_exp2_is_within_two_ulp_over_the_normal_range()
    {
        var inputs = Enumerable.Range(0, 25301).Select(i => -126f + i * 0.01f).Append(127f).ToArray();
        var vector = new float[inputs.Length];
        var vector512 = new float[inputs.Length];
        for (var i = 0; i + 16 <= inputs.Length; i += 16)
        {
            FastExp.Exp2InRange(Vector256.Create(inputs.AsSpan(i, 8))).CopyTo(vector.AsSpan(i, 8));
            FastExp.Exp2InRange(Vector256.Create(inputs.AsSpan(i + 8, 8))).CopyTo(vector.AsSpan(i + 8, 8));
            FastExp.Exp2InRange(Vector512.Create(inputs.AsSpan(i, 16))).CopyTo(vector512.AsSpan(i, 16));
        }
        for (var i = 0; i < inputs.Length; i++)
        {
            var exact = Math.Pow(2, inputs[i]);
            var scalar = FastExp.Exp2(inputs[i]);
            Assert.True(Math.Abs(scalar - exact) <= 2.4e-7 * exact, $"scalar 2^{inputs[i]} = {scalar}, exact {exact}");
            if (i >= inputs.Length / 16 * 16) continue;
            Assert.True(Math.Abs(vector[i] - exact) <= 2.4e-7 * exact, $"Vector256 2^{inputs[i]} = {vector[i]}, exact {exact}");
            Assert.True(Math.Abs(vector512[i] - exact) <= 2.4e-7 * exact, $"Vector512 2^{inputs[i]} = {vector512[i]}, exact {exact}");
        }
        Assert.Equal(MathF.Pow(2, -126), FastExp.Exp2(-1000f));
        Assert.Equal(MathF.Pow(2, 127), FastExp.Exp2(1000f));
    }

    [Theory]
    [InlineData(nameof(SimdPath.Scalar), 16)]
    [InlineData(nameof(SimdPath.Vector256), 16)]
    [InlineData(nameof(SimdPath.Vector256), 12)]
    [InlineData(nameof(SimdPath.Vector256), 40)]
    public void Rotary_rotates_half_pairs_by_position_times_inverse_frequency(string pathName, int d)
    {
        var path = Enum.Parse<SimdPath>(pathName);
        var inverse = Enumerable.Range(0, d / 2).Select(i => 1f / MathF.Pow(10000f, 2f * i / d)).ToArray();
        var rotary = new RotaryEmbedding(inverse, 1024);
        foreach (var position in new[] { 0, 1, 17, 1023 })
        {
            var head = Reference.Random(d, 15 + position);
            var expected = new double[d];
            for (var i = 0; i < d / 2; i++)
            {
                double angle = (float)position * inverse[i];
                double x1 = head[i] * 0.25, x2 = head[i + d / 2] * 0.25;
                expected[i] = x1 * Math.Cos(angle) - x2 * Math.Sin(angle);
                expected[i + d / 2] = x2 * Math.Cos(angle) + x1 * Math.Sin(angle);
            }
            // Rows 0…position of a head at stride d; only the last one (at `position`) is checked.
            var rows = new float[(position + 1) * d];
            head.CopyTo(rows, position * d);
            fixed (float* pointer = rows) rotary.Apply(pointer, d, position + 1, 0.25f, path);
            head = rows[(position * d)..];
            Reference.AssertClose(expected, head, 1e-6, $"rotary at {position}");
        }
    }
}
