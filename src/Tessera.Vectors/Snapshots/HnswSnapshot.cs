using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using Microsoft.Win32.SafeHandles;
using Tessera.Core;
using Tessera.Vectors.Hnsw;

namespace Tessera.Vectors.Snapshots;

/// <summary>
/// Saves and loads an <see cref="HnswIndex"/> as one file: a <see cref="SnapshotHeader"/>, then the level-0
/// records exactly as they lie in memory (fixed stride, so the region can be read in one go or memory-mapped),
/// then the upper-level link lists. In the file a record's upper-links field holds a byte offset into the
/// upper region (−1 for none) instead of a pointer. A SHA-256 over header and body catches corruption, and a
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

    internal static HnswIndex Load(string path, long maxSegmentBytes)
    {
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.SequentialScan);
        try
        {
            return Read(handle, maxSegmentBytes);
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
        var count = Math.Min(index.Reserved, store.Capacity);
        long upperBytes = 0;
        for (var id = 0; id < count; id++) upperBytes += UpperBytesOf(store.Record(id), layout);
        var header = new SnapshotHeader(index.Metric, index.Dimension, count, index.Options, index.EntryPacked, layout.Stride, (long)count * layout.Stride, upperBytes);

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var headerBytes = new byte[SnapshotHeader.Size];
        header.WriteTo(headerBytes);
        hash.AppendData(headerBytes);
        stream.Write(headerBytes);

        var buffer = new byte[Math.Max(CopyChunkBytes / layout.Stride, 1) * layout.Stride];
        long nextUpperOffset = 0;
        for (var first = 0; first < count;)
        {
            var run = Math.Min(Math.Min(store.RunLength(first), count - first), buffer.Length / layout.Stride);
            store.Records(first, run).CopyTo(buffer);
            fixed (byte* chunk = buffer)
            {
                for (var i = 0; i < run; i++) nextUpperOffset = ToFileRecord(chunk + (long)i * layout.Stride, layout, nextUpperOffset);
            }
            var bytes = buffer.AsSpan(0, run * layout.Stride);
            hash.AppendData(bytes);
            stream.Write(bytes);
            first += run;
        }

        for (var id = 0; id < count; id++)
        {
            var record = store.Record(id);
            var size = UpperBytesOf(record, layout);
            if (size == 0) continue;
            var upper = new ReadOnlySpan<byte>((byte*)Unsafe.ReadUnaligned<nint>(record + layout.UpperOffset), size);
            hash.AppendData(upper);
            stream.Write(upper);
        }

        stream.Position = SnapshotHeader.ChecksumOffset;
        stream.Write(hash.GetHashAndReset());
    }

    /// <summary>Rewrites a copied record for the file: pointer to offset, and a never-initialized slot as an empty tombstone.</summary>
    private static long ToFileRecord(byte* record, NodeLayout layout, long nextUpperOffset)
    {
        var header = *(int*)record;
        if ((header & NodeLayout.ReadyFlag) == 0)
        {
            new Span<byte>(record, layout.Stride).Clear();
            *(int*)record = NodeLayout.ReadyFlag | NodeLayout.DeletedFlag;
            Unsafe.WriteUnaligned(record + layout.UpperOffset, -1L);
            return nextUpperOffset;
        }
        var size = NodeLayout.LevelOf(header) * layout.UpperLevelBytes;
        Unsafe.WriteUnaligned(record + layout.UpperOffset, size == 0 ? -1L : nextUpperOffset);
        return nextUpperOffset + size;
    }

    private static int UpperBytesOf(byte* record, NodeLayout layout)
    {
        var header = *(int*)record;
        return (header & NodeLayout.ReadyFlag) == 0 ? 0 : NodeLayout.LevelOf(header) * layout.UpperLevelBytes;
    }

    private static HnswIndex Read(SafeFileHandle handle, long maxSegmentBytes)
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
        var index = new HnswIndex(header.Metric, header.Dimension, header.Options, header.Count, maxSegmentBytes);
        var store = index.Store;
        long offset = SnapshotHeader.Size;
        for (var first = 0; first < header.Count;)
        {
            var run = Math.Min(store.RunLength(first), header.Count - first);
            var region = store.Records(first, run);
            ReadExactly(handle, region, offset);
            hash.AppendData(region);
            offset += region.Length;
            first += run;
        }
        var upperBase = index.Arena.AddChunk(header.UpperBytes);
        var upper = new Span<byte>(upperBase, (int)header.UpperBytes);
        ReadExactly(handle, upper, offset);
        hash.AppendData(upper);
        if (!hash.GetHashAndReset().AsSpan().SequenceEqual(expectedChecksum))
            throw new InvalidDataException("The snapshot is corrupt: its checksum does not match its contents.");

        SnapshotValidator.Validate(index, header, upperBase);
        index.AdoptLoadedNodes(header.Count, header.Entry);
        return index;
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
