namespace Tessera.Traces.Projection;

/// <summary>Vectors as one row-major block of float32 (how they are stored), <see cref="Count"/> rows of <see cref="Dimension"/>.</summary>
internal sealed class VectorRows
{
    public VectorRows(float[] values, int dimension)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dimension);
        if (values.Length % dimension != 0) throw new ArgumentException("The values are not a whole number of rows.", nameof(values));
        Values = values;
        Dimension = dimension;
    }

    public float[] Values { get; }

    public int Dimension { get; }

    public int Count => Values.Length / Dimension;

    public ReadOnlySpan<float> Row(int index) => Values.AsSpan(index * Dimension, Dimension);
}
