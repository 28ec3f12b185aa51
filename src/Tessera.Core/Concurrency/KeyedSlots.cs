namespace Tessera.Core.Concurrency;

/// <summary>
/// Counts how many holders each key has and refuses one more beyond a cap, without waiting: callers turn a refusal
/// into a 429/503 instead of queueing work they cannot finish soon.
/// </summary>
public sealed class KeyedSlots<TKey> where TKey : notnull
{
    private readonly Dictionary<TKey, int> _held = [];

    /// <summary>A slot for <paramref name="key"/> (release it by disposing), or null when <paramref name="max"/> are held.</summary>
    public IDisposable? TryEnter(TKey key, int max)
    {
        lock (_held)
        {
            var held = _held.GetValueOrDefault(key);
            if (held >= max) return null;
            _held[key] = held + 1;
        }
        return new Slot(this, key);
    }

    /// <summary>How many slots <paramref name="key"/> holds now.</summary>
    public int Held(TKey key)
    {
        lock (_held) return _held.GetValueOrDefault(key);
    }

    private void Release(TKey key)
    {
        lock (_held)
        {
            var held = _held[key] - 1;
            if (held == 0) _held.Remove(key);
            else _held[key] = held;
        }
    }

    private sealed class Slot(KeyedSlots<TKey> owner, TKey key) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0) owner.Release(key);
        }
    }
}
