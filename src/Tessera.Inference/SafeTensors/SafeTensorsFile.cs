using System.IO.MemoryMappedFiles;
using System.Text.Json;
using Tessera.Core.Errors;

namespace Tessera.Inference.SafeTensors;

/// <summary>
/// A memory-mapped <c>.safetensors</c> file: an 8-byte little-endian header length N, N bytes of
/// JSON <c>{name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {…}}</c>, then the
/// data buffer. The header is validated completely on open (dtypes, shapes against byte lengths,
/// offsets inside the file), so a truncated or malformed file fails before any weight is read.
/// Float tensors are widened to float32 on read; pages are touched once and the mapping is
/// released when the loader disposes the file.
/// </summary>
internal sealed unsafe class SafeTensorsFile : IDisposable
{
    private const long MaxHeaderBytes = 100 * 1024 * 1024;

    private readonly MemoryMappedFile _map;
    private readonly MemoryMappedViewAccessor _view;
    private readonly byte* _base;
    private readonly long _dataStart;
    private readonly Dictionary<string, SafeTensorInfo> _tensors;

    private SafeTensorsFile(string path, MemoryMappedFile map, MemoryMappedViewAccessor view, byte* pointer, long dataStart, Dictionary<string, SafeTensorInfo> tensors, IReadOnlyDictionary<string, string> metadata)
    {
        Path = path;
        _map = map;
        _view = view;
        _base = pointer;
        _dataStart = dataStart;
        _tensors = tensors;
        Metadata = metadata;
    }

    public string Path { get; }

    public IReadOnlyDictionary<string, string> Metadata { get; }

    public IEnumerable<SafeTensorInfo> Tensors => _tensors.Values;

    public static SafeTensorsFile Open(string path)
    {
        if (!File.Exists(path)) throw TesseraException.Validation($"Checkpoint file not found: {path}");
        var length = new FileInfo(path).Length;
        if (length < 8) throw Malformed(path, $"the file is {length} bytes, shorter than the 8-byte header length");
        var map = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
        MemoryMappedViewAccessor? view = null;
        var acquired = false;
        try
        {
            view = map.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
            byte* pointer = null;
            view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
            acquired = true;
            pointer += view.PointerOffset;
            var headerLength = *(long*)pointer;
            if (!BitConverter.IsLittleEndian) headerLength = System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(headerLength);
            if (headerLength <= 0 || headerLength > MaxHeaderBytes || 8 + headerLength > length)
                throw Malformed(path, $"the header length {headerLength} does not fit a {length}-byte file (truncated or not safetensors)");
            var header = new ReadOnlySpan<byte>(pointer + 8, (int)headerLength);
            var (tensors, metadata) = ParseHeader(path, header, length - 8 - headerLength);
            return new SafeTensorsFile(path, map, view, pointer, 8 + headerLength, tensors, metadata);
        }
        catch
        {
            if (acquired) view!.SafeMemoryMappedViewHandle.ReleasePointer();
            view?.Dispose();
            map.Dispose();
            throw;
        }
    }

    public bool Contains(string name) => _tensors.ContainsKey(name);

    public SafeTensorInfo Get(string name) =>
        _tensors.TryGetValue(name, out var info)
            ? info
            : throw TesseraException.Validation($"Tensor '{name}' is missing from {Path}.");

    /// <summary>Reads a float tensor (F32, F16, BF16 or F64) as float32, checking its shape first.</summary>
    public float[] ReadFloat32(string name, params ReadOnlySpan<int> expectedShape)
    {
        var result = new float[checked((int)Get(name).ElementCount)];
        ReadFloat32(name, result, expectedShape);
        return result;
    }

    /// <summary>Reads a float tensor into the start of <paramref name="result"/> (a reused load buffer), checking its shape first.</summary>
    public void ReadFloat32(string name, Span<float> result, params ReadOnlySpan<int> expectedShape)
    {
        var info = Get(name);
        if (!info.Shape.AsSpan().SequenceEqual(expectedShape))
            throw TesseraException.Validation($"Tensor '{name}' in {Path} has shape {info.ShapeText}, expected [{string.Join(", ", expectedShape.ToArray())}].");
        var count = checked((int)info.ElementCount);
        if (result.Length < count) throw new ArgumentException($"The buffer holds {result.Length} floats; '{name}' has {count}.", nameof(result));
        var source = _base + _dataStart + info.Begin;
        switch (info.DType)
        {
            case SafeTensorDType.F32:
                new ReadOnlySpan<float>(source, count).CopyTo(result);
                break;
            case SafeTensorDType.F16:
                var halves = new ReadOnlySpan<Half>(source, count);
                for (var i = 0; i < count; i++) result[i] = (float)halves[i];
                break;
            case SafeTensorDType.BF16:
                // bfloat16 is the upper half of a float32: widening is a 16-bit shift.
                var bits = new ReadOnlySpan<ushort>(source, count);
                for (var i = 0; i < count; i++) result[i] = BitConverter.Int32BitsToSingle(bits[i] << 16);
                break;
            case SafeTensorDType.F64:
                var doubles = new ReadOnlySpan<double>(source, count);
                for (var i = 0; i < count; i++) result[i] = (float)doubles[i];
                break;
            default:
                throw TesseraException.Validation($"Tensor '{name}' in {Path} is {SafeTensorDTypes.Name(info.DType)}; only F32, F16, BF16 and F64 weights can be loaded.");
        }
    }

    public void Dispose()
    {
        _view.SafeMemoryMappedViewHandle.ReleasePointer();
        _view.Dispose();
        _map.Dispose();
    }

    private static (Dictionary<string, SafeTensorInfo>, IReadOnlyDictionary<string, string>) ParseHeader(string path, ReadOnlySpan<byte> header, long dataLength)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(header.ToArray());
        }
        catch (JsonException e)
        {
            throw Malformed(path, $"the header is not valid JSON ({e.Message})");
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object) throw Malformed(path, "the header is not a JSON object");
            var tensors = new Dictionary<string, SafeTensorInfo>(StringComparer.Ordinal);
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.Name == "__metadata__")
                {
                    if (property.Value.ValueKind == JsonValueKind.Object)
                    {
                        foreach (var entry in property.Value.EnumerateObject()) metadata[entry.Name] = entry.Value.ToString();
                    }
                    continue;
                }
                tensors[property.Name] = ParseTensor(path, property.Name, property.Value, dataLength);
            }
            return (tensors, metadata);
        }
    }

    private static SafeTensorInfo ParseTensor(string path, string name, JsonElement entry, long dataLength)
    {
        if (entry.ValueKind != JsonValueKind.Object
            || !entry.TryGetProperty("dtype", out var dtypeElement) || dtypeElement.ValueKind != JsonValueKind.String
            || !entry.TryGetProperty("shape", out var shapeElement) || shapeElement.ValueKind != JsonValueKind.Array
            || !entry.TryGetProperty("data_offsets", out var offsetsElement) || offsetsElement.ValueKind != JsonValueKind.Array || offsetsElement.GetArrayLength() != 2)
            throw Malformed(path, $"tensor '{name}' needs dtype, shape and two data_offsets");
        if (!SafeTensorDTypes.TryParse(dtypeElement.GetString()!, out var dtype))
            throw Malformed(path, $"tensor '{name}' has unknown dtype '{dtypeElement.GetString()}'");
        var shape = new int[shapeElement.GetArrayLength()];
        var index = 0;
        foreach (var dimension in shapeElement.EnumerateArray())
        {
            if (!dimension.TryGetInt32(out var value) || value < 0) throw Malformed(path, $"tensor '{name}' has an invalid shape");
            shape[index++] = value;
        }
        if (!offsetsElement[0].TryGetInt64(out var begin) || !offsetsElement[1].TryGetInt64(out var end) || begin < 0 || end < begin)
            throw Malformed(path, $"tensor '{name}' has invalid data_offsets");
        if (end > dataLength)
            throw Malformed(path, $"tensor '{name}' ends at byte {end} of a {dataLength}-byte data buffer (truncated file?)");
        var info = new SafeTensorInfo(name, dtype, shape, begin, end);
        if (info.ElementCount * SafeTensorDTypes.Size(dtype) != end - begin)
            throw Malformed(path, $"tensor '{name}' is {info.ShapeText} {SafeTensorDTypes.Name(dtype)} ({info.ElementCount * SafeTensorDTypes.Size(dtype)} bytes) but its offsets span {end - begin} bytes");
        return info;
    }

    private static TesseraException Malformed(string path, string reason) =>
        TesseraException.Validation($"Malformed safetensors file {path}: {reason}.");
}
