using Tessera.Jobs.Storage;

namespace Tessera.Jobs.Workers;

/// <summary>Why a worker cancelled a handler's token: the reason decides what it writes afterwards.</summary>
internal enum StopReason
{
    None,
    /// <summary>The user cancelled: the job ends cancelled.</summary>
    Cancelled,
    /// <summary>Another worker owns the job now: write nothing.</summary>
    LeaseLost,
    /// <summary>This worker is stopping: give the job back to the queue.</summary>
    Shutdown,
}

/// <summary>A job this worker holds, with the token its handler runs under.</summary>
internal sealed class RunningJob(JobRow row) : IDisposable
{
    private readonly CancellationTokenSource _cancellation = new();
    private int _reason;

    public JobRow Row { get; } = row;
    public CancellationToken Token => _cancellation.Token;
    public StopReason Reason => (StopReason)Volatile.Read(ref _reason);
    public Task Completion { get; set; } = Task.CompletedTask;

    /// <summary>Cancels the handler; the first reason wins.</summary>
    public void Stop(StopReason reason)
    {
        if (Interlocked.CompareExchange(ref _reason, (int)reason, (int)StopReason.None) != (int)StopReason.None) return;
        try { _cancellation.Cancel(); }
        catch (ObjectDisposedException) { }
    }

    public void Dispose() => _cancellation.Dispose();
}
