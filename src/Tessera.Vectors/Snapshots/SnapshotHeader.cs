using System.Buffers.Binary;
using Tessera.Vectors.Hnsw;

namespace Tessera.Vectors.Snapshots;

/// <summary>
/// The fixed 128-byte header of an HNSW snapshot, little-endian:
/// <code>
///   0  magic "TSRHNSW\0"        40  seed (u64)
///   8  format version (u32)     48  entry point: id | level &lt;&lt; 32 (i64, −1 when empty)
///  12  header bytes (u32)       56  link stride (u32)
///  16  metric (u32)             60  vector stride (u32)
///                               64  exact-search selectivity (f64)
///  20  dimension (u32)          72  level-0 region bytes (u64)
///  24  node count (u32)         80  upper-level region bytes (u64)
///  28  M (u32)                  88  SHA-256 of header (checksum zeroed) + body
///  32  efConstruction (u32)    120  quantization (u32: 0 none, 1 sq8)
///  36  efSearch (u32)          124  re-rank multiple (u32)
/// </code>
/// With sq8 the file ends with the quantizer after the upper-level region: its step, then a centre per dimension (f32).
/// </summary>
internal sealed record SnapshotHeader(
    DistanceMetric Metric, int Dimension, int Count, HnswOptions Options, long Entry, int LinkStride, int VectorStride, long Level0Bytes, long UpperBytes)
{
    public const int Size = 128;
    /// <summary>
    /// Version 3 adds the quantization, its code region and the quantizer; version 2 stored the level-0 fields as four
    /// regions; version 1 interleaved them per node.
    /// </summary>
    public const uint FormatVersion = 3;
    public const int ChecksumOffset = 88;
    public const int ChecksumSize = 32;

    private static ReadOnlySpan<byte> Magic => "TSRHNSW\0"u8;

    /// <summary>Bytes of the quantizer at the end of the file (0 without quantization).</summary>
    public long QuantizerBytes => Options.Quantization == VectorQuantization.Sq8 ? 4L * (1 + Dimension) : 0;

    public long FileLength => Size + Level0Bytes + UpperBytes + QuantizerBytes;

    /// <summary>Writes the header with a zeroed checksum (the checksum covers these bytes).</summary>
    public void WriteTo(Span<byte> destination)
    {
        destination[..Size].Clear();
        Magic.CopyTo(destination);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[8..], FormatVersion);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[12..], Size);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[16..], (uint)Metric);
        BinaryPrimitives.WriteInt32LittleEndian(destination[20..], Dimension);
        BinaryPrimitives.WriteInt32LittleEndian(destination[24..], Count);
        BinaryPrimitives.WriteInt32LittleEndian(destination[28..], Options.M);
        BinaryPrimitives.WriteInt32LittleEndian(destination[32..], Options.EfConstruction);
        BinaryPrimitives.WriteInt32LittleEndian(destination[36..], Options.EfSearch);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[40..], Options.Seed);
        BinaryPrimitives.WriteInt64LittleEndian(destination[48..], Entry);
        BinaryPrimitives.WriteInt32LittleEndian(destination[56..], LinkStride);
        BinaryPrimitives.WriteInt32LittleEndian(destination[60..], VectorStride);
        BinaryPrimitives.WriteDoubleLittleEndian(destination[64..], Options.ExactSearchSelectivity);
        BinaryPrimitives.WriteInt64LittleEndian(destination[72..], Level0Bytes);
        BinaryPrimitives.WriteInt64LittleEndian(destination[80..], UpperBytes);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[120..], (uint)Options.Quantization);
        BinaryPrimitives.WriteInt32LittleEndian(destination[124..], Options.RerankMultiple);
    }

    /// <summary>Parses and sanity-checks a header; throws <see cref="InvalidDataException"/> saying what is wrong.</summary>
    public static SnapshotHeader Read(ReadOnlySpan<byte> source, long fileLength)
    {
        if (!source[..8].SequenceEqual(Magic)) throw new InvalidDataException("Not a Tessera HNSW snapshot (bad magic).");
        var version = BinaryPrimitives.ReadUInt32LittleEndian(source[8..]);
        if (version != FormatVersion)
        {
            throw new InvalidDataException(
                $"Unsupported snapshot format version {version} (this build reads version {FormatVersion}); rebuild the index with `tessera index build`.");
        }
        if (BinaryPrimitives.ReadUInt32LittleEndian(source[12..]) != Size) throw new InvalidDataException("The snapshot header size is wrong.");
        var metric = (DistanceMetric)BinaryPrimitives.ReadUInt32LittleEndian(source[16..]);
        if (!Enum.IsDefined(metric)) throw new InvalidDataException($"The snapshot names an unknown metric ({(int)metric}).");
        var dimension = BinaryPrimitives.ReadInt32LittleEndian(source[20..]);
        var count = BinaryPrimitives.ReadInt32LittleEndian(source[24..]);
        var m = BinaryPrimitives.ReadInt32LittleEndian(source[28..]);
        if (dimension is <= 0 or > 65536) throw new InvalidDataException($"The snapshot's dimension {dimension} is out of range.");
        if (count < 0) throw new InvalidDataException($"The snapshot's node count {count} is negative.");
        if (m is < 2 or > 1024) throw new InvalidDataException($"The snapshot's M {m} is out of range.");
        var options = new HnswOptions
        {
            M = m,
            EfConstruction = BinaryPrimitives.ReadInt32LittleEndian(source[32..]),
            EfSearch = BinaryPrimitives.ReadInt32LittleEndian(source[36..]),
            Seed = BinaryPrimitives.ReadUInt64LittleEndian(source[40..]),
            ExactSearchSelectivity = BinaryPrimitives.ReadDoubleLittleEndian(source[64..]),
            Quantization = (VectorQuantization)BinaryPrimitives.ReadUInt32LittleEndian(source[120..]),
            RerankMultiple = BinaryPrimitives.ReadInt32LittleEndian(source[124..]),
        };
        try
        {
            options.Validate();
        }
        catch (Core.Errors.TesseraException e)
        {
            throw new InvalidDataException($"The snapshot's parameters are invalid: {e.Message}", e);
        }
        var header = new SnapshotHeader(
            metric, dimension, count, options,
            BinaryPrimitives.ReadInt64LittleEndian(source[48..]),
            BinaryPrimitives.ReadInt32LittleEndian(source[56..]),
            BinaryPrimitives.ReadInt32LittleEndian(source[60..]),
            BinaryPrimitives.ReadInt64LittleEndian(source[72..]),
            BinaryPrimitives.ReadInt64LittleEndian(source[80..]));
        var layout = new NodeLayout(dimension, m, options.Quantization);
        if (header.LinkStride != layout.LinkStride || header.VectorStride != layout.VectorStride)
        {
            throw new InvalidDataException(
                $"The snapshot's strides (links {header.LinkStride}, vectors {header.VectorStride}) do not match its dimension and M " +
                $"(expected {layout.LinkStride} and {layout.VectorStride}).");
        }
        if (header.Level0Bytes != (long)count * layout.NodeBytes) throw new InvalidDataException("The snapshot's level-0 size does not match its node count.");
        if (header.UpperBytes < 0 || header.UpperBytes > int.MaxValue) throw new InvalidDataException("The snapshot's upper-level size is out of range.");
        if (fileLength != header.FileLength)
        {
            throw new InvalidDataException(fileLength < header.FileLength
                ? $"The snapshot is truncated: {fileLength} bytes of {header.FileLength}."
                : $"The snapshot has {fileLength - header.FileLength} unexpected trailing bytes.");
        }
        return header;
    }
}
