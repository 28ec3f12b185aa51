using System.Runtime.Intrinsics;

namespace Tessera.Inference.Kernels;

/// <summary>
/// Rotary position embeddings in the rotate-half convention (GPT-NeoX, ESM-2): a head vector is
/// split into halves x₁, x₂ and becomes (x₁·cos − x₂·sin, x₂·cos + x₁·sin), with angle
/// position·inv_freq[i] for pair i. The table is built from the checkpoint's own
/// <c>inv_freq</c>, which real checkpoints store rounded; recomputing 1/10000^(2i/d) would drift.
/// Angles are float32 products like PyTorch's, their cos/sin evaluated in double and rounded.
/// </summary>
internal sealed class RotaryEmbedding
{
    private readonly float[] _cos;
    private readonly float[] _sin;

    public RotaryEmbedding(ReadOnlySpan<float> inverseFrequencies, int maxPositions)
    {
        HalfDimension = inverseFrequencies.Length;
        MaxPositions = maxPositions;
        _cos = new float[maxPositions * HalfDimension];
        _sin = new float[maxPositions * HalfDimension];
        for (var position = 0; position < maxPositions; position++)
        {
            for (var i = 0; i < HalfDimension; i++)
            {
                var angle = (float)position * inverseFrequencies[i];
                _cos[position * HalfDimension + i] = (float)Math.Cos(angle);
                _sin[position * HalfDimension + i] = (float)Math.Sin(angle);
            }
        }
    }

    public int HalfDimension { get; }

    public int MaxPositions { get; }

    /// <summary>Scales a head vector and rotates it to <paramref name="position"/>, in place.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public void Apply(Span<float> head, int position, float scale, SimdPath path)
    {
        if (head.Length != 2 * HalfDimension) throw new ArgumentException($"Head vectors have {2 * HalfDimension} values.", nameof(head));
        var cos = _cos.AsSpan(position * HalfDimension, HalfDimension);
        var sin = _sin.AsSpan(position * HalfDimension, HalfDimension);
        var first = head[..HalfDimension];
        var second = head[HalfDimension..];
        var i = 0;
        if (path != SimdPath.Scalar)
        {
            var factor = Vector256.Create(scale);
            for (; i <= HalfDimension - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                var x1 = Vector256.Create(first[i..]) * factor;
                var x2 = Vector256.Create(second[i..]) * factor;
                var c = Vector256.Create(cos[i..]);
                var s = Vector256.Create(sin[i..]);
                (x1 * c - x2 * s).CopyTo(first[i..]);
                (x2 * c + x1 * s).CopyTo(second[i..]);
            }
        }
        for (; i < HalfDimension; i++)
        {
            var x1 = first[i] * scale;
            var x2 = second[i] * scale;
            first[i] = x1 * cos[i] - x2 * sin[i];
            second[i] = x2 * cos[i] + x1 * sin[i];
        }
    }
}
