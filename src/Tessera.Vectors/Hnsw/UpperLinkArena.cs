using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Tessera.Vectors.Hnsw;

/// <summary>
/// Bump allocator for the link lists of levels above 0, which only a few nodes have (1/M of them per
/// level). Chunks are pinned and live as long as the index, so node records can point into them.
/// </summary>
internal sealed unsafe class UpperLinkArena(int chunkBytes)
{
    private readonly Lock _lock = new();
    private readonly List<byte[]> _chunks = [];
    private byte* _next;
    private long _left;

    public long AllocatedBytes { get; private set; }

    /// <summary>Zeroed memory for <paramref name="bytes"/> bytes, 4-byte aligned.</summary>
    public byte* Allocate(int bytes)
    {
        lock (_lock)
        {
            if (_left < bytes)
            {
                var size = Math.Max(bytes, chunkBytes);
                _next = AddChunk(size);
                _left = size;
            }
            var result = _next;
            _next += bytes;
            _left -= bytes;
            return result;
        }
    }

    /// <summary>Adds a chunk the caller fills itself (a snapshot's upper-level region) and returns its start.</summary>
    public byte* AddChunk(long bytes)
    {
        lock (_lock)
        {
            var chunk = GC.AllocateArray<byte>(checked((int)Math.Max(bytes, 1)), pinned: true);
            _chunks.Add(chunk);
            AllocatedBytes += chunk.Length;
            return (byte*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(chunk));
        }
    }
}
