using System.Buffers.Binary;
using System.Security.Cryptography;
using Microsoft.Win32.SafeHandles;
using Tessera.Core;
using Tessera.Vectors.Hnsw;

namespace Tessera.Vectors.Snapshots;

/// <summary>
/// Saves and loads an <see cref="HnswIndex"/> as one file: a <see cref="SnapshotHeader"/>, then the level-0
/// regions (<see cref="NodeRegion"/>) one after another, each as it lies in memory (fixed stride, so it is read
/// straight into the store), then the upper-level link lists, then the quantizer when there is one. In the file a node's upper-links field holds a
/// byte offset into the upper region (−1 for none) instead of a pointer. A SHA-256 over header and body catches corruption, and a
/// structural check catches anything a checksum-valid but hostile file could do, so a bad file throws
/// <see cref="InvalidDataException"/> and never crashes the process.
/// </summary>
public static unsafe class HnswSnapshot
{
    private const int CopyChunkBytes = 4 << 20;

    /// <summary>Writes <paramref name="index"/> to <paramref name="path"/> atomically (temporary file, fsync, rename). Inserts wait meanwhile; searches do not.</summary>
    public static void Save(HnswIndex index, string path)
    {
        ArgumentNullException.ThrowIfNull(index);
        index.WriterGate.EnterWriteLock();
        try
        {
            AtomicFile.Write(path, stream => Write(index, stream));
        }
        finally
        {
            index.WriterGate.ExitWriteLock();
        }
    }

    /// <summary>Reads a snapshot written by <see cref="Save"/>; throws <see cref="InvalidDataException"/> naming the file when it is corrupt or truncated.</summary>
    public static HnswIndex Load(string path) => Load(path, NodeStore.DefaultMaxSegmentBytes);

    /// <summary>
    /// Reads a snapshot and serves it with the settings of <paramref name="serving"/> that leave the stored graph as it is:
    /// ef, the re-rank multiple, the exact-search selectivity and where the float32 vectors live (those of an
    /// unquantized index stay resident, as its walk reads them). The graph's own parameters are the snapshot's.
    /// </summary>
    public static HnswIndex Load(string path, HnswOptions serving) => Load(path, NodeStore.DefaultMaxSegmentBytes, serving);

    internal static HnswIndex Load(string path, long maxSegmentBytes, HnswOptions? serving = null)
    {
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.SequentialScan);
        try
        {
            return Read(handle, maxSegmentBytes, serving);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }
    }

    private static void Write(HnswIndex index, Stream stream)
    {
        var layout = index.Layout;
        var store = index.Store;
        var nodes = store.View;
        var count = Math.Min(index.Reserved, nodes.Capacity);
        long upperBytes = 0;
        for (var id = 0; id < count; id++) upperBytes += UpperBytesOf(*nodes.Header(id), layout);
        var header = new SnapshotHeader(
            index.Metric, index.Dimension, count, index.Options, index.EntryPacked, layout.LinkStride, layout.VectorStride, (long)count * layout.NodeBytes, upperBytes);

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var headerBytes = new byte[SnapshotHeader.Size];
        header.WriteTo(headerBytes);
        hash.AppendData(headerBytes);
        stream.Write(headerBytes);

        var buffer = new byte[Math.Max(CopyChunkBytes, layout.VectorStride)];
        long nextUpperOffset = 0;
        foreach (var region in Enum.GetValues<NodeRegion>())
        {
            var stride = layout.StrideOf(region);
            if (stride == 0) continue;
            for (var first = 0; first < count;)
            {
                var run = Math.Min(Math.Min(store.RunLength(first), count - first), buffer.Length / stride);
                store.Region(region, first, run).CopyTo(buffer);
                fixed (byte* chunk = buffer)
                {
                    if (region == NodeRegion.Headers) ToFileHeaders((int*)chunk, run);
                    if (region == NodeRegion.Meta) nextUpperOffset = ToFileMeta(chunk, nodes, first, run, layout, nextUpperOffset);
                }
                var bytes = buffer.AsSpan(0, run * stride);
                hash.AppendData(bytes);
                stream.Write(bytes);
                first += run;
            }
        }

        for (var id = 0; id < count; id++)
        {
            var size = UpperBytesOf(*nodes.Header(id), layout);
            if (size == 0) continue;
            var upper = new ReadOnlySpan<byte>((byte*)*nodes.Upper(id), size);
            hash.AppendData(upper);
            stream.Write(upper);
        }

        if (index.Quantizer is { } quantizer)
        {
            var bytes = QuantizerBytes(quantizer);
            hash.AppendData(bytes);
            stream.Write(bytes);
        }

        stream.Position = SnapshotHeader.ChecksumOffset;
        stream.Write(hash.GetHashAndReset());
    }

    /// <summary>A never-initialized slot (reserved by an insert still waiting) is written as an empty tombstone.</summary>
    private static void ToFileHeaders(int* headers, int count)
    {
        for (var i = 0; i < count; i++)
        {
            if ((headers[i] & NodeLayout.ReadyFlag) == 0) headers[i] = NodeLayout.ReadyFlag | NodeLayout.DeletedFlag;
        }
    }

    /// <summary>Rewrites copied meta fields for the file: each upper-links pointer becomes an offset into the upper region (−1 for none).</summary>
    private static long ToFileMeta(byte* meta, NodeView nodes, int first, int count, NodeLayout layout, long nextUpperOffset)
    {
        for (var i = 0; i < count; i++)
        {
            var header = *nodes.Header(first + i);
            var size = UpperBytesOf(header, layout);
            var fields = meta + (long)i * NodeLayout.MetaStride;
            if ((header & NodeLayout.ReadyFlag) == 0) *(long*)fields = 0;
            *(long*)(fields + NodeLayout.UpperOffset) = size == 0 ? -1L : nextUpperOffset;
            nextUpperOffset += size;
        }
        return nextUpperOffset;
    }

    private static int UpperBytesOf(int header, NodeLayout layout) =>
        (header & NodeLayout.ReadyFlag) == 0 ? 0 : NodeLayout.LevelOf(header) * layout.UpperLevelBytes;

    private static HnswIndex Read(SafeFileHandle handle, long maxSegmentBytes, HnswOptions? serving)
    {
        var length = RandomAccess.GetLength(handle);
        if (length < SnapshotHeader.Size) throw new InvalidDataException($"The snapshot is truncated: {length} bytes, shorter than its {SnapshotHeader.Size}-byte header.");
        var headerBytes = new byte[SnapshotHeader.Size];
        ReadExactly(handle, headerBytes, 0);
        var header = SnapshotHeader.Read(headerBytes, length);
        var expectedChecksum = headerBytes.AsSpan(SnapshotHeader.ChecksumOffset, SnapshotHeader.ChecksumSize).ToArray();
        headerBytes.AsSpan(SnapshotHeader.ChecksumOffset, SnapshotHeader.ChecksumSize).Clear();

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(headerBytes);
        // The quantizer ends the file but the index needs it from the start; it joins the checksum in file order.
        var quantizerBytes = new byte[header.QuantizerBytes];
        ReadExactly(handle, quantizerBytes, header.FileLength - header.QuantizerBytes);
        var quantizer = header.QuantizerBytes == 0 ? null : ReadQuantizer(quantizerBytes, header.Dimension);
        var options = serving is null ? header.Options : ServingOptions(header.Options, serving);
        var index = new HnswIndex(header.Metric, header.Dimension, options, header.Count, maxSegmentBytes, quantizer);
        var store = index.Store;
        long offset = SnapshotHeader.Size;
        foreach (var region in Enum.GetValues<NodeRegion>())
        {
            for (var first = 0; first < header.Count;)
            {
                var run = Math.Min(store.RunLength(first), header.Count - first);
                var bytes = store.Region(region, first, run);
                ReadExactly(handle, bytes, offset);
                hash.AppendData(bytes);
                offset += bytes.Length;
                first += run;
            }
        }
        var upperBase = index.Arena.AddChunk(header.UpperBytes);
        var upper = new Span<byte>(upperBase, (int)header.UpperBytes);
        ReadExactly(handle, upper, offset);
        hash.AppendData(upper);
        hash.AppendData(quantizerBytes);
        if (!hash.GetHashAndReset().AsSpan().SequenceEqual(expectedChecksum))
            throw new InvalidDataException("The snapshot is corrupt: its checksum does not match its contents.");

        SnapshotValidator.Validate(index, header, upperBase);
        index.AdoptLoadedNodes(header.Count, header.Entry);
        return index;
    }

    private static HnswOptions ServingOptions(HnswOptions stored, HnswOptions serving) => stored with
    {
        EfSearch = serving.EfSearch,
        RerankMultiple = serving.RerankMultiple,
        ExactSearchSelectivity = serving.ExactSearchSelectivity,
        Float32Storage = stored.Quantization == VectorQuantization.Sq8 ? serving.Float32Storage : VectorStorage.Resident,
        MappedFileDirectory = serving.MappedFileDirectory,
    };

    private static byte[] QuantizerBytes(ScalarQuantizer quantizer)
    {
        var bytes = new byte[4 * (1 + quantizer.Dimension)];
        BinaryPrimitives.WriteSingleLittleEndian(bytes, quantizer.Step);
        for (var d = 0; d < quantizer.Dimension; d++) BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(4 * (1 + d)), quantizer.Centres[d]);
        return bytes;
    }

    /// <summary>Throws <see cref="InvalidDataException"/> for a step or centre that is not a finite number (the checksum is checked later).</summary>
    private static ScalarQuantizer ReadQuantizer(byte[] bytes, int dimension)
    {
        var centres = new float[dimension];
        for (var d = 0; d < dimension; d++) centres[d] = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(4 * (1 + d)));
        return new ScalarQuantizer(centres, BinaryPrimitives.ReadSingleLittleEndian(bytes));
    }

    private static void ReadExactly(SafeFileHandle handle, Span<byte> destination, long offset)
    {
        while (!destination.IsEmpty)
        {
            var read = RandomAccess.Read(handle, destination, offset);
            if (read == 0) throw new InvalidDataException("The snapshot ended early.");
            destination = destination[read..];
            offset += read;
        }
    }
}
