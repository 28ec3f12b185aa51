using System.IO.MemoryMappedFiles;
using Tessera.Core.Errors;

namespace Tessera.Vectors.Hnsw;

/// <summary>
/// A zero-filled read-write mapping of a new file, which is unlinked at once: the pages live in the page cache, written
/// back to the file under memory pressure, and no file outlives the process however it ends. Unmapped only when no
/// longer reachable (its handles' finalizers), so a search still holding a pointer into it stays safe.
/// </summary>
internal sealed unsafe class MappedRegion
{
    private readonly MemoryMappedFile _file;
    private readonly MemoryMappedViewAccessor _view;

    private MappedRegion(MemoryMappedFile file, MemoryMappedViewAccessor view, long length)
    {
        _file = file;
        _view = view;
        // No AcquirePointer: its reference would keep the finalizer from ever unmapping; this object keeps the view alive.
        Start = (byte*)view.SafeMemoryMappedViewHandle.DangerousGetHandle() + view.PointerOffset;
        Length = length;
        MemoryAdvice.RandomAccess((nint)Start, length);
    }

    /// <summary>The first byte; page-aligned.</summary>
    public byte* Start { get; }

    public long Length { get; }

    /// <summary>Bytes of the region the kernel holds in memory now; -1 where that cannot be told.</summary>
    public long ResidentBytes => MemoryAdvice.ResidentBytes((nint)Start, Length);

    public static MappedRegion Create(string? directory, long length)
    {
        var folder = directory ?? Path.GetTempPath();
        var path = Path.Combine(folder, $"tessera-vectors-{Guid.NewGuid():N}.f32");
        FileStream? stream = null;
        try
        {
            Directory.CreateDirectory(folder);
            // Allocated up front (posix_fallocate): a sparse file would get its blocks at the first write to each page,
            // and a full disk would then kill the process with SIGBUS instead of failing here.
            stream = new FileStream(path, new FileStreamOptions
            {
                Mode = FileMode.CreateNew, Access = FileAccess.ReadWrite, Share = FileShare.ReadWrite | FileShare.Delete, PreallocationSize = length,
            });
            stream.SetLength(length);
            var file = MemoryMappedFile.CreateFromFile(stream, null, length, MemoryMappedFileAccess.ReadWrite, HandleInheritability.None, leaveOpen: false);
            return new MappedRegion(file, file.CreateViewAccessor(0, length, MemoryMappedFileAccess.ReadWrite), length);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            stream?.Dispose();
            throw TesseraException.Validation($"Cannot create the memory-mapped vector file ({length:N0} bytes) in {folder}: {e.Message}");
        }
        finally
        {
            if (stream is not null) File.Delete(path);
        }
    }
}
