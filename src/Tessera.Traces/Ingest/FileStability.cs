using System.Collections.Concurrent;

namespace Tessera.Traces.Ingest;

/// <summary>
/// Whether a file has stopped changing: its size and modification time must have stayed the same for the source's
/// debounce, as seen by this process (on the injected clock), before it is read. Both the poll and file events go
/// through here, so a file still being written is never read half-way through a burst of writes.
/// </summary>
internal sealed class FileStability(TimeProvider time)
{
    private readonly ConcurrentDictionary<(Guid Source, string Path), (long Size, DateTimeOffset Modified, DateTimeOffset Since)> seen = new();

    public bool IsStable(Guid sourceId, string path, long size, DateTimeOffset modified, TimeSpan debounce)
    {
        var now = time.GetUtcNow();
        if (debounce <= TimeSpan.Zero) return true;
        var key = (sourceId, path);
        var last = seen.AddOrUpdate(key, (size, modified, now), (_, old) => old.Size == size && old.Modified == modified ? old : (size, modified, now));
        return now - last.Since >= debounce;
    }

    /// <summary>Forgets a file once it was read, so the map does not grow with every file ever seen.</summary>
    public void Forget(Guid sourceId, string path) => seen.TryRemove((sourceId, path), out _);
}
