using Tessera.Core.Errors;

namespace Tessera.Vectors.Management;

/// <summary>What a rebuild indexes: row-major vectors and one caller id per row.</summary>
public sealed record IndexSourceData(int Dimension, ReadOnlyMemory<float> Vectors, IReadOnlyList<long> Labels)
{
    public void Validate()
    {
        if (Dimension <= 0) throw TesseraException.Validation($"The source dimension must be positive (got {Dimension}).");
        if (Vectors.Length != (long)Labels.Count * Dimension)
            throw TesseraException.Validation($"The source gave {Vectors.Length} values for {Labels.Count} ids of {Dimension} dimensions.");
    }
}
