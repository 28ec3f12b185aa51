using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;

namespace Tessera.Core.Numerics;

/// <summary>
/// Reader and writer for NumPy's <c>.npy</c> format (versions 1–3) and <c>.npz</c> archives.
/// Format: magic "\x93NUMPY", version, header length, a Python-literal dict header padded to 64 bytes, raw data.
/// </summary>
public static partial class Npy
{
    private static ReadOnlySpan<byte> Magic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    public static NpyArray Read(string path)
    {
        using var stream = File.OpenRead(path);
        try
        {
            return Read(stream);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }
    }

    public static NpyArray Read(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        Span<byte> prefix = stackalloc byte[8];
        ReadExactly(stream, prefix, "magic");
        if (!prefix[..6].SequenceEqual(Magic)) throw new InvalidDataException("Not a .npy file (bad magic).");
        var major = prefix[6];
        int headerLength;
        if (major == 1)
        {
            Span<byte> len = stackalloc byte[2];
            ReadExactly(stream, len, "header length");
            headerLength = BinaryPrimitives.ReadUInt16LittleEndian(len);
        }
        else if (major is 2 or 3)
        {
            Span<byte> len = stackalloc byte[4];
            ReadExactly(stream, len, "header length");
            headerLength = checked((int)BinaryPrimitives.ReadUInt32LittleEndian(len));
        }
        else
        {
            throw new InvalidDataException($"Unsupported .npy version {major}.");
        }
        if (headerLength > 1 << 20) throw new InvalidDataException("The .npy header is implausibly large.");
        var headerBytes = new byte[headerLength];
        ReadExactly(stream, headerBytes, "header");
        var header = (major == 3 ? Encoding.UTF8 : Encoding.Latin1).GetString(headerBytes);

        var descr = HeaderDescr().Match(header);
        var fortran = HeaderFortran().Match(header);
        var shape = HeaderShape().Match(header);
        if (!descr.Success || !fortran.Success || !shape.Success)
            throw new InvalidDataException($"Malformed .npy header: {header.Trim()}");
        if (fortran.Groups[1].Value == "True") throw new InvalidDataException("Fortran-ordered .npy arrays are not supported; save with C order.");
        var dtype = NpyDTypeExtensions.Parse(descr.Groups[1].Value);
        var dims = shape.Groups[1].Value
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(d => int.Parse(d, CultureInfo.InvariantCulture))
            .ToArray();

        long count = 1;
        foreach (var d in dims) count = checked(count * d);
        var byteCount = checked(count * dtype.Size());
        if (byteCount > Array.MaxLength) throw new InvalidDataException($"The array holds {byteCount} bytes, more than one buffer can take.");
        var data = new byte[byteCount];
        ReadExactly(stream, data, "data");
        return new NpyArray(dtype, dims, data);
    }

    /// <summary>Reads every array of an <c>.npz</c> archive, keyed by name without the <c>.npy</c> suffix.</summary>
    public static IReadOnlyDictionary<string, NpyArray> ReadArchive(string path)
    {
        using var zip = ZipFile.OpenRead(path);
        var result = new Dictionary<string, NpyArray>(StringComparer.Ordinal);
        foreach (var entry in zip.Entries)
        {
            if (!entry.FullName.EndsWith(".npy", StringComparison.Ordinal)) continue;
            using var stream = entry.Open();
            result[entry.FullName[..^4]] = Read(stream);
        }
        return result;
    }

    public static void Write(Stream stream, ReadOnlySpan<float> data, params ReadOnlySpan<int> shape) =>
        Write(stream, NpyDType.Float32, MemoryMarshal.AsBytes(data), shape);

    public static void Write(Stream stream, NpyDType dtype, ReadOnlySpan<byte> data, params ReadOnlySpan<int> shape)
    {
        long count = 1;
        foreach (var d in shape) count *= d;
        if (count * dtype.Size() != data.Length)
            throw new ArgumentException($"Shape holds {count} items but {data.Length / dtype.Size()} were given.", nameof(data));
        WriteHeader(stream, dtype, shape);
        stream.Write(data);
    }

    /// <summary>Writes only the header, for callers that stream the data (C order, little-endian) after it.</summary>
    public static void WriteHeader(Stream stream, NpyDType dtype, params ReadOnlySpan<int> shape)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var dims = shape.Length == 1 ? $"{shape[0]}," : string.Join(", ", shape.ToArray());
        var dict = $"{{'descr': '{dtype.Descriptor()}', 'fortran_order': False, 'shape': ({dims}), }}";
        // Pad with spaces so magic + version + length + header + newline is a multiple of 64 bytes.
        var unpadded = 6 + 2 + 2 + dict.Length + 1;
        var padding = (64 - unpadded % 64) % 64;
        var header = dict + new string(' ', padding) + "\n";
        stream.Write(Magic);
        stream.WriteByte(1);
        stream.WriteByte(0);
        Span<byte> len = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(len, checked((ushort)header.Length));
        stream.Write(len);
        stream.Write(Encoding.Latin1.GetBytes(header));
    }

    /// <summary>Writes a float32 matrix to <paramref name="path"/> atomically (temporary file, flush, rename).</summary>
    public static void WriteFile(string path, ReadOnlySpan<float> data, params ReadOnlySpan<int> shape)
    {
        var buffer = data.ToArray();
        var dims = shape.ToArray();
        AtomicFile.Write(path, stream => Write(stream, buffer, dims));
    }

    private static void ReadExactly(Stream stream, Span<byte> buffer, string part)
    {
        try
        {
            stream.ReadExactly(buffer);
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException($"The .npy file is truncated (in its {part}).", e);
        }
    }

    [GeneratedRegex(@"'descr'\s*:\s*'([^']+)'")]
    private static partial Regex HeaderDescr();

    [GeneratedRegex(@"'fortran_order'\s*:\s*(True|False)")]
    private static partial Regex HeaderFortran();

    [GeneratedRegex(@"'shape'\s*:\s*\(([^)]*)\)")]
    private static partial Regex HeaderShape();
}
