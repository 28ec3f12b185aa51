using System.Collections.Concurrent;

namespace Tessera.Vectors.Collections;

/// <summary>
/// The labels a partition's source deleted, as far as this process has read them (the source's deletion sequence
/// through <see cref="Through"/>). Searches never return them, whatever index or snapshot still holds them; labels
/// are never reused, so a tombstone stays true forever.
/// </summary>
internal sealed class LabelTombstones
{
    private readonly ConcurrentDictionary<long, byte> _labels = new();
    private readonly Lock _writer = new();
    private long _through;

    public long Through => Interlocked.Read(ref _through);

    public bool Contains(long label) => _labels.ContainsKey(label);

    public IEnumerable<long> Labels => _labels.Keys;

    public void Add(DeletedLabels deleted)
    {
        lock (_writer)
        {
            foreach (var label in deleted.Labels) _labels[label] = 0;
            // Reads can finish out of order; the watermark only moves forward.
            if (deleted.Through > _through) Interlocked.Exchange(ref _through, deleted.Through);
        }
    }
}
