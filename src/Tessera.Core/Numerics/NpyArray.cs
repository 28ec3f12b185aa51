using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Tessera.Core.Numerics;

/// <summary>An n-dimensional array read from a NumPy <c>.npy</c> file: raw little-endian bytes plus dtype and shape.</summary>
public sealed class NpyArray
{
    public NpyArray(NpyDType dtype, int[] shape, byte[] data)
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(data);
        long count = 1;
        foreach (var d in shape)
        {
            if (d < 0) throw new ArgumentException("Shape dimensions must be non-negative.", nameof(shape));
            count *= d;
        }
        if (count * dtype.Size() != data.LongLength)
            throw new ArgumentException($"Shape [{string.Join(", ", shape)}] of {dtype} needs {count * dtype.Size()} bytes, got {data.LongLength}.", nameof(data));
        DType = dtype;
        Shape = shape;
        Data = data;
        Count = count;
    }

    public NpyDType DType { get; }
    public IReadOnlyList<int> Shape { get; }
    public long Count { get; }

    /// <summary>Raw element bytes, little-endian, C order.</summary>
    internal byte[] Data { get; }

    /// <summary>Rows and columns of a 2-D array (a 1-D array is one row).</summary>
    public (int Rows, int Columns) Matrix => Shape.Count switch
    {
        1 => (1, Shape[0]),
        2 => (Shape[0], Shape[1]),
        _ => throw new InvalidDataException($"Expected a 1-D or 2-D array, got shape [{string.Join(", ", Shape)}]."),
    };

    public float[] ToFloat32()
    {
        var result = new float[Count];
        switch (DType)
        {
            case NpyDType.Float32:
                MemoryMarshal.Cast<byte, float>(Data).CopyTo(result);
                break;
            case NpyDType.Float64:
                var doubles = MemoryMarshal.Cast<byte, double>(Data);
                for (var i = 0; i < result.Length; i++) result[i] = (float)doubles[i];
                break;
            case NpyDType.Float16:
                var halves = MemoryMarshal.Cast<byte, Half>(Data);
                for (var i = 0; i < result.Length; i++) result[i] = (float)halves[i];
                break;
            default:
                var longs = ToInt64();
                for (var i = 0; i < result.Length; i++) result[i] = longs[i];
                break;
        }
        return result;
    }

    public double[] ToFloat64()
    {
        if (DType == NpyDType.Float64) return MemoryMarshal.Cast<byte, double>(Data).ToArray();
        var floats = ToFloat32();
        var result = new double[floats.Length];
        for (var i = 0; i < floats.Length; i++) result[i] = floats[i];
        return result;
    }

    public long[] ToInt64()
    {
        var result = new long[Count];
        var span = Data.AsSpan();
        var size = DType.Size();
        for (var i = 0; i < result.Length; i++)
        {
            var item = span.Slice(i * size, size);
            result[i] = DType switch
            {
                NpyDType.Int64 => BinaryPrimitives.ReadInt64LittleEndian(item),
                NpyDType.Int32 => BinaryPrimitives.ReadInt32LittleEndian(item),
                NpyDType.UInt8 => item[0],
                NpyDType.Bool => item[0],
                _ => throw new InvalidDataException($"Cannot read {DType} as integers."),
            };
        }
        return result;
    }
}
