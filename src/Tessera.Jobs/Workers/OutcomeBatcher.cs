using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Tessera.Jobs.Storage;

namespace Tessera.Jobs.Workers;

/// <summary>
/// Collects the outcomes of one worker's jobs and writes those that are ready together, in one transaction: under
/// load one commit records many jobs, while a lone outcome is written at once. If a batch fails (a deadlock, a
/// bad row), each outcome is retried in its own transaction, so one cannot sink the others.
/// </summary>
internal sealed class OutcomeBatcher(JobLeases leases, ILogger logger)
{
    private const int MaxBatch = 64;

    private readonly Channel<(JobOutcome Outcome, TaskCompletionSource<bool> Written)> _pending =
        Channel.CreateUnbounded<(JobOutcome, TaskCompletionSource<bool>)>(new UnboundedChannelOptions { SingleReader = true });

    /// <summary>Completes with true once written, false when the lease had been lost.</summary>
    public Task<bool> WriteAsync(JobOutcome outcome)
    {
        var written = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_pending.Writer.TryWrite((outcome, written))) written.SetException(new InvalidOperationException("The worker has stopped writing outcomes."));
        return written.Task;
    }

    /// <summary>Stops taking outcomes; <see cref="RunAsync"/> ends after writing those already taken.</summary>
    public void Complete() => _pending.Writer.TryComplete();

    public async Task RunAsync()
    {
        var batch = new List<(JobOutcome Outcome, TaskCompletionSource<bool> Written)>(MaxBatch);
        while (await _pending.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            batch.Clear();
            while (batch.Count < MaxBatch && _pending.Reader.TryRead(out var item)) batch.Add(item);
            try
            {
                var applied = await leases.FinishManyAsync(batch.Select(b => b.Outcome).ToList(), CancellationToken.None).ConfigureAwait(false);
                for (var i = 0; i < batch.Count; i++) batch[i].Written.SetResult(applied[i]);
            }
            catch (Exception e) when (batch.Count > 1)
            {
                JobsLog.BatchWriteFailed(logger, batch.Count, e);
                foreach (var (outcome, written) in batch) await WriteAloneAsync(outcome, written).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                batch[0].Written.SetException(e);
            }
        }
    }

    private async Task WriteAloneAsync(JobOutcome outcome, TaskCompletionSource<bool> written)
    {
        try
        {
            written.SetResult(await leases.FinishAsync(outcome, CancellationToken.None).ConfigureAwait(false));
        }
        catch (Exception e)
        {
            written.SetException(e);
        }
    }
}
