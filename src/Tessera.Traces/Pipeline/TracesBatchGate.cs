using System.Collections.Concurrent;

namespace Tessera.Traces.Pipeline;

/// <summary>
/// One batch at a time per organization in this process: ingestion holds the gate while it embeds, stores and
/// notifies a batch, and a projection recompute waits for it, so a refit never sees half a batch.
/// </summary>
internal sealed class TracesBatchGate
{
    private readonly ConcurrentDictionary<Guid, SemaphoreSlim> gates = new();

    /// <summary>Whether a batch (or a refit) of <paramref name="orgId"/> is in progress in this process now (health's <c>batch_in_progress</c>).</summary>
    public bool IsBusy(Guid orgId) => gates.TryGetValue(orgId, out var gate) && gate.CurrentCount == 0;

    public async Task<IDisposable> EnterAsync(Guid orgId, CancellationToken cancellationToken)
    {
        var gate = gates.GetOrAdd(orgId, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        return new Release(gate);
    }

    private sealed class Release(SemaphoreSlim gate) : IDisposable
    {
        private int released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref released, 1) == 0)
            {
                gate.Release();
            }
        }
    }
}
