using Tessera.Inference.Kernels;

namespace Tessera.Inference.Tests;

/// <summary>The fused one-head attention kernel against softmax(Q·Kᵀ)·V in double, on every SIMD path.</summary>
public sealed unsafe class HeadAttentionTests
{
    public static TheoryData<string, int, int> Sizes()
    {
        var data = new TheoryData<string, int, int>();
        foreach (var path in Enum.GetNames<SimdPath>())
        {
            // Lengths off the tile heights (6, 12) and the key panel width (16); head widths of one, two and four panels.
            foreach (var (length, d) in new[] { (1, 16), (5, 16), (13, 24), (66, 16), (100, 64), (258, 16) })
                data.Add(path, length, d);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Context_matches_softmax_of_scores_times_values(string pathName, int length, int d)
    {
        var path = Enum.Parse<SimdPath>(pathName);
        // Q, K, V side by side in rows of a wider buffer, as in the fused QKV activation, plus a spare column.
        // Values up to 1.5 keep the float32 rounding of scores (up to d·2.25) inside the tolerance.
        var stride = 3 * d + 1;
        var qkv = Reference.Random(length * stride, 21, 1.5f);
        var contextStride = d + 3;
        var context = new float[length * contextStride];
        var scratch = new float[HeadAttention.ScratchLength(length, d, path)];
        fixed (float* pq = qkv, pc = context, ps = scratch)
            HeadAttention.Run(pq, pq + d, pq + 2 * d, stride, length, d, pc, contextStride, ps, path);

        var expected = new double[length * d];
        var actual = new float[length * d];
        for (var i = 0; i < length; i++)
        {
            var scores = new double[length];
            for (var j = 0; j < length; j++)
            {
                for (var p = 0; p < d; p++) scores[j] += (double)qkv[i * stride + p] * qkv[j * stride + d + p];
            }
            var max = scores.Max();
            var weights = scores.Select(s => Math.Exp(s - max)).ToArray();
            var sum = weights.Sum();
            for (var p = 0; p < d; p++)
            {
                for (var j = 0; j < length; j++) expected[i * d + p] += weights[j] / sum * qkv[j * stride + 2 * d + p];
                actual[i * d + p] = context[i * contextStride + p];
            }
        }
        Reference.AssertClose(expected, actual, 1e-5, $"{path} length {length} d {d}");
    }
}
