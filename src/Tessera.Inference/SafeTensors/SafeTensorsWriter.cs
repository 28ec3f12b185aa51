using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using Tessera.Core;

namespace Tessera.Inference.SafeTensors;

/// <summary>A float tensor to write, stored as <see cref="DType"/> (narrowed from float32 with round-to-nearest-even).</summary>
internal sealed record SafeTensorToWrite(string Name, float[] Values, int[] Shape, SafeTensorDType DType = SafeTensorDType.F32);

/// <summary>
/// Writes float tensors in the safetensors layout (atomically). Used to make test and benchmark
/// checkpoints, including F16/BF16 copies of a float32 model.
/// </summary>
internal static class SafeTensorsWriter
{
    public static void Write(string path, IReadOnlyList<SafeTensorToWrite> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var header = new Dictionary<string, object>(StringComparer.Ordinal);
        if (metadata is not null) header["__metadata__"] = metadata;
        long offset = 0;
        foreach (var tensor in tensors)
        {
            var bytes = (long)tensor.Values.Length * SafeTensorDTypes.Size(tensor.DType);
            header[tensor.Name] = new Dictionary<string, object>
            {
                ["dtype"] = SafeTensorDTypes.Name(tensor.DType),
                ["shape"] = tensor.Shape,
                ["data_offsets"] = new[] { offset, offset + bytes },
            };
            offset += bytes;
        }
        var json = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(header));
        // The format recommends padding the header with spaces to an 8-byte boundary.
        var padded = (json.Length + 7) / 8 * 8;
        AtomicFile.Write(path, stream =>
        {
            Span<byte> length = stackalloc byte[8];
            BinaryPrimitives.WriteInt64LittleEndian(length, padded);
            stream.Write(length);
            stream.Write(json);
            for (var i = json.Length; i < padded; i++) stream.WriteByte((byte)' ');
            foreach (var tensor in tensors) WriteValues(stream, tensor);
        });
    }

    /// <summary>Rounds float32 to bfloat16 bits, nearest-even, as PyTorch's <c>.to(torch.bfloat16)</c> does.</summary>
    public static ushort ToBFloat16Bits(float value)
    {
        var bits = BitConverter.SingleToUInt32Bits(value);
        if (float.IsNaN(value)) return (ushort)((bits >> 16) | 0x40);
        var roundingBias = 0x7FFFu + ((bits >> 16) & 1);
        return (ushort)((bits + roundingBias) >> 16);
    }

    private static void WriteValues(Stream stream, SafeTensorToWrite tensor)
    {
        var size = SafeTensorDTypes.Size(tensor.DType);
        var buffer = new byte[tensor.Values.Length * size];
        for (var i = 0; i < tensor.Values.Length; i++)
        {
            var slot = buffer.AsSpan(i * size, size);
            switch (tensor.DType)
            {
                case SafeTensorDType.F32: BinaryPrimitives.WriteSingleLittleEndian(slot, tensor.Values[i]); break;
                case SafeTensorDType.F16: BinaryPrimitives.WriteHalfLittleEndian(slot, (Half)tensor.Values[i]); break;
                case SafeTensorDType.BF16: BinaryPrimitives.WriteUInt16LittleEndian(slot, ToBFloat16Bits(tensor.Values[i])); break;
                default: throw new ArgumentException($"Cannot write {tensor.DType} tensors.", nameof(tensor));
            }
        }
        stream.Write(buffer);
    }
}
