namespace Tessera.Inference.Kernels;

/// <summary>
/// Pinned activation buffers for one forward pass at a time, grown to the largest batch seen
/// and then reused, so steady-state passes allocate nothing. Not thread-safe: an encoder owner
/// serialises passes over one workspace.
/// </summary>
internal sealed class ActivationWorkspace
{
    private float[][] _buffers = [];

    /// <summary>Returns the buffer in <paramref name="slot"/>, at least <paramref name="length"/> floats long.</summary>
    public float[] Get(int slot, long length)
    {
        if (slot >= _buffers.Length) Array.Resize(ref _buffers, slot + 1);
        var current = _buffers[slot];
        if (current is null || current.Length < length)
        {
            // Drop the old buffer first so growth never holds both.
            _buffers[slot] = [];
            current = GC.AllocateUninitializedArray<float>(checked((int)length), pinned: true);
            _buffers[slot] = current;
        }
        return current;
    }

    /// <summary>Floats currently held, for the memory report.</summary>
    public long HeldFloats => _buffers.Sum(b => (long)(b?.Length ?? 0));
}
