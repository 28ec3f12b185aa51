namespace Tessera.Vectors.Collections;

/// <summary>
/// Vectors read from a collection's source in ascending label order: row-major <see cref="Vectors"/>, and per row its
/// label and the group (e.g. the run) whose owner may see it.
/// </summary>
public sealed record SourceRows(int Dimension, float[] Vectors, long[] Labels, Guid[] Groups)
{
    public int Count => Labels.Length;

    public ReadOnlySpan<float> Row(int row) => Vectors.AsSpan(row * Dimension, Dimension);
}
