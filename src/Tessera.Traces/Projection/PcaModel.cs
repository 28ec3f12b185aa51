using System.Buffers.Binary;
using System.Numerics.Tensors;

namespace Tessera.Traces.Projection;

/// <summary>
/// A fitted 2-D map: point = ((x − <see cref="Mean"/>) · componentsᵀ) · <see cref="Rotation"/> + <see cref="Offset"/>.
/// The components are the PCA's (as scikit-learn would give them, up to sign); the rotation and offset are the
/// Procrustes alignment to the previous map (identity and zero for a first fit). Stored as a projection version's blob.
/// </summary>
internal sealed record PcaModel(int Dimension, double[] Mean, double[] First, double[] Second, double[] Rotation, double[] Offset)
{
    private const uint Magic = 0x41435054; // "TPCA" little-endian
    private const int FormatVersion = 1;

    public static readonly double[] Identity = [1, 0, 0, 1];

    /// <summary>The map's point of one vector.</summary>
    public (double X, double Y) Transform(ReadOnlySpan<float> vector, Span<double> scratch)
    {
        var (a, b) = Raw(vector, scratch);
        return Align(a, b);
    }

    /// <summary>The PCA coordinates before alignment (what scikit-learn's transform gives, up to sign).</summary>
    public (double A, double B) Raw(ReadOnlySpan<float> vector, Span<double> scratch)
    {
        if (vector.Length != Dimension) throw new ArgumentException($"The vector has {vector.Length} dimensions, the model {Dimension}.", nameof(vector));
        var centred = scratch[..Dimension];
        for (var i = 0; i < Dimension; i++) centred[i] = vector[i] - Mean[i];
        return (TensorPrimitives.Dot<double>(centred, First), TensorPrimitives.Dot<double>(centred, Second));
    }

    public (double X, double Y) Align(double a, double b) =>
        (a * Rotation[0] + b * Rotation[2] + Offset[0], a * Rotation[1] + b * Rotation[3] + Offset[1]);

    /// <summary>Every row's point, in row order (rows in parallel: a refit maps all vectors).</summary>
    public (double X, double Y)[] TransformAll(VectorRows rows, bool aligned = true)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var points = new (double, double)[rows.Count];
        Parallel.For(0, (rows.Count + 1023) / 1024, () => new double[Dimension], (chunk, _, scratch) =>
        {
            for (var r = chunk * 1024; r < Math.Min(rows.Count, (chunk + 1) * 1024); r++)
            {
                var raw = Raw(rows.Row(r), scratch);
                points[r] = aligned ? Align(raw.A, raw.B) : raw;
            }
            return scratch;
        }, _ => { });
        return points;
    }

    public byte[] ToBytes()
    {
        var doubles = Dimension * 3 + 6;
        var bytes = new byte[12 + doubles * 8];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, Magic);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(4), FormatVersion);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(8), Dimension);
        var offset = 12;
        foreach (var value in Mean.Concat(First).Concat(Second).Concat(Rotation).Concat(Offset))
        {
            BinaryPrimitives.WriteDoubleLittleEndian(bytes.AsSpan(offset), value);
            offset += 8;
        }
        return bytes;
    }

    public static PcaModel FromBytes(byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        if (bytes.Length < 12 || BinaryPrimitives.ReadUInt32LittleEndian(bytes) != Magic || BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(4)) != FormatVersion)
            throw new InvalidDataException("The stored projection model is not a version 1 PCA model.");
        var dimension = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(8));
        if (dimension <= 0 || bytes.Length != 12 + (dimension * 3 + 6) * 8) throw new InvalidDataException("The stored projection model has the wrong length.");
        var offset = 12;
        double[] Read(int count)
        {
            var values = new double[count];
            for (var i = 0; i < count; i++, offset += 8) values[i] = BinaryPrimitives.ReadDoubleLittleEndian(bytes.AsSpan(offset));
            return values;
        }
        return new PcaModel(dimension, Read(dimension), Read(dimension), Read(dimension), Read(4), Read(2));
    }
}
