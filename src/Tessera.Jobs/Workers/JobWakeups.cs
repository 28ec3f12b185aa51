namespace Tessera.Jobs;

/// <summary>
/// In-process wake-ups: enqueues and cancellations in this process (and NOTIFYs received from PostgreSQL) wake
/// the workers at once instead of at their next poll. A waiter takes the current signal before it looks for
/// work, so a pulse between its look and its wait is never missed.
/// </summary>
internal sealed class JobWakeups
{
    private TaskCompletionSource _work = NewSignal();
    private TaskCompletionSource _cancel = NewSignal();

    /// <summary>Completes at the next <see cref="PulseWork"/>.</summary>
    public Task WorkSignal => Volatile.Read(ref _work).Task;

    /// <summary>Completes at the next <see cref="PulseCancel"/>.</summary>
    public Task CancelSignal => Volatile.Read(ref _cancel).Task;

    public void PulseWork() => Interlocked.Exchange(ref _work, NewSignal()).TrySetResult();

    public void PulseCancel() => Interlocked.Exchange(ref _cancel, NewSignal()).TrySetResult();

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
