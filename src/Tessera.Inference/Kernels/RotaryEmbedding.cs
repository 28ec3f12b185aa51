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

    /// <summary>
    /// Scales and rotates one head across positions 0…<paramref name="rows"/>−1, in place:
    /// row i starts at <paramref name="head"/> + i·<paramref name="stride"/> and sits at position i.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public unsafe void Apply(float* head, nint stride, int rows, float scale, SimdPath path)
    {
        if (rows > MaxPositions) throw new ArgumentOutOfRangeException(nameof(rows), $"Rotary tables cover {MaxPositions} positions.");
        var half = HalfDimension;
        var vectorWidth = path == SimdPath.Scalar ? 0 : half / Vector256<float>.Count * Vector256<float>.Count;
        var factor = Vector256.Create(scale);
        fixed (float* cosTable = _cos, sinTable = _sin)
        {
            for (var position = 0; position < rows; position++)
            {
                var first = head + position * stride;
                var second = first + half;
                var cos = cosTable + position * half;
                var sin = sinTable + position * half;
                var i = 0;
                for (; i < vectorWidth; i += Vector256<float>.Count)
                {
                    var x1 = Vector256.Load(first + i) * factor;
                    var x2 = Vector256.Load(second + i) * factor;
                    var c = Vector256.Load(cos + i);
                    var s = Vector256.Load(sin + i);
                    (x1 * c - x2 * s).Store(first + i);
                    (x2 * c + x1 * s).Store(second + i);
                }
                for (; i < half; i++)
                {
                    var x1 = first[i] * scale;
                    var x2 = second[i] * scale;
                    first[i] = x1 * cos[i] - x2 * sin[i];
                    second[i] = x2 * cos[i] + x1 * sin[i];
                }
            }
        }
    }
}
