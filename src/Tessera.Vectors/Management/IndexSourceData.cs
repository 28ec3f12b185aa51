using Tessera.Core.Errors;

namespace Tessera.Vectors.Management;

/// <summary>
/// What a rebuild indexes: row-major vectors and one caller id per row, read from a source whose labels only grow.
/// <see cref="Through"/> is the highest label the read covered (the last label read, or where an empty read
/// started; by default the largest label given): with the index it is served with, it tells searches which stored
/// vectors the index may lack.
/// </summary>
public sealed record IndexSourceData(int Dimension, ReadOnlyMemory<float> Vectors, IReadOnlyList<long> Labels, long? Through = null)
{
    public long CoveredThrough => Through ?? (Labels.Count == 0 ? 0 : Labels.Max());

    public void Validate()
    {
        if (Dimension <= 0) throw TesseraException.Validation($"The source dimension must be positive (got {Dimension}).");
        if (Vectors.Length != (long)Labels.Count * Dimension)
            throw TesseraException.Validation($"The source gave {Vectors.Length} values for {Labels.Count} ids of {Dimension} dimensions.");
    }
}
