using Tessera.Vectors.Kernels;

namespace Tessera.Vectors.Hnsw;

/// <summary>
/// 8-bit scalar quantization with one step size for all dimensions and a centre per dimension:
/// code = round((x − centre) / step), clamped to ±127. One shared step keeps distances integer: squared L2 is
/// step²·Σ(a − b)² and, with the centres at 0, the inner product is step²·Σa·b, so the walk needs no per-vector
/// correction. For L2 each dimension is centred on its trained mid-range; inner product and cosine centre on 0.
/// </summary>
internal sealed unsafe class ScalarQuantizer
{
    private const int MaxCode = 127;

    public ScalarQuantizer(float[] centres, float step)
    {
        if (!(step > 0) || !float.IsFinite(step)) throw new InvalidDataException($"The quantizer's step {step} is not a positive number.");
        if (centres.Any(c => !float.IsFinite(c))) throw new InvalidDataException("The quantizer has a centre that is not a finite number.");
        Centres = centres;
        Step = step;
    }

    public float[] Centres { get; }
    public float Step { get; }
    public int Dimension => Centres.Length;

    /// <summary>
    /// Covers [−1, 1] in every dimension, the range of unit vectors: the quantizer of an index that starts empty,
    /// before any data could train one.
    /// </summary>
    public static ScalarQuantizer Untrained(int dimension) => new(new float[dimension], 1f / MaxCode);

    /// <summary>Learns centres and step from the rows of <paramref name="vectors"/> (unit length first for cosine).</summary>
    public static ScalarQuantizer Train(DistanceMetric metric, int dimension, ReadOnlySpan<float> vectors)
    {
        var rows = vectors.Length / dimension;
        if (rows == 0) return Untrained(dimension);
        var min = new float[dimension];
        var max = new float[dimension];
        min.AsSpan().Fill(float.PositiveInfinity);
        max.AsSpan().Fill(float.NegativeInfinity);
        var row = new float[dimension];
        for (var r = 0; r < rows; r++)
        {
            vectors.Slice(r * dimension, dimension).CopyTo(row);
            if (metric == DistanceMetric.Cosine) VectorKernels.Normalize(row);
            for (var d = 0; d < dimension; d++)
            {
                min[d] = Math.Min(min[d], row[d]);
                max[d] = Math.Max(max[d], row[d]);
            }
        }
        var centres = new float[dimension];
        var halfRange = 0f;
        for (var d = 0; d < dimension; d++)
        {
            if (metric == DistanceMetric.L2)
            {
                centres[d] = min[d] / 2 + max[d] / 2;
                halfRange = Math.Max(halfRange, max[d] / 2 - min[d] / 2);
            }
            else
            {
                halfRange = Math.Max(halfRange, Math.Max(Math.Abs(min[d]), Math.Abs(max[d])));
            }
        }
        // Constant data (one vector, or every dimension constant) has no range: any positive step codes it exactly.
        var step = halfRange > 0 && float.IsFinite(halfRange) ? halfRange / MaxCode : 1f;
        return new ScalarQuantizer(centres, step);
    }

    /// <summary>Writes the codes of <paramref name="vector"/>; the row's padding is the caller's to keep zero.</summary>
    public void Encode(ReadOnlySpan<float> vector, sbyte* code)
    {
        var inverse = 1f / Step;
        for (var d = 0; d < vector.Length; d++)
        {
            var value = MathF.Round((vector[d] - Centres[d]) * inverse);
            code[d] = (sbyte)Math.Clamp(float.IsNaN(value) ? 0 : value, -MaxCode, MaxCode);
        }
    }
}
