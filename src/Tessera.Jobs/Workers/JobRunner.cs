using Microsoft.Extensions.Logging;
using Tessera.Data;
using Tessera.Jobs.Storage;

namespace Tessera.Jobs.Workers;

/// <summary>Runs one claimed job through its handler and records the outcome, conditional on the lease.</summary>
internal sealed class JobRunner(JobHandlerRegistry handlers, JobLeases leases, TesseraDatabase database, RetryBackoff backoff, TimeProvider time, ILogger<JobRunner> logger)
{
    public async Task RunAsync(RunningJob job, string workerId, OutcomeBatcher outcomes)
    {
        var row = job.Row;
        var handler = handlers.Require(row.Kind);
        var lease = new JobLease(workerId, row.Attempts);
        var context = new JobContext(row, lease, leases, database, () => job.Stop(StopReason.LeaseLost));
        try
        {
            var result = await handler.ExecuteAsync(context, job.Token).ConfigureAwait(false);
            if (context.WaitingForChildren)
                await Record(leases.SuspendForChildrenAsync(row.Id, lease, CancellationToken.None)).ConfigureAwait(false);
            else
                await Finish(JobState.Succeeded, new TransitionChanges { Result = JsonText.Write(result) }).ConfigureAwait(false);
        }
        catch (Exception e) when (job.Reason != StopReason.None && e is OperationCanceledException or JobLeaseLostException)
        {
            switch (job.Reason)
            {
                case StopReason.Cancelled:
                    await Finish(JobState.Cancelled, new TransitionChanges { Message = "cancelled by request" }).ConfigureAwait(false);
                    break;
                case StopReason.Shutdown:
                    await Finish(JobState.Queued, new TransitionChanges { Message = $"released: worker {workerId} is stopping" }).ConfigureAwait(false);
                    break;
                default:
                    JobsLog.TakenOver(logger, row.Id, row.Kind);
                    break;
            }
        }
        catch (TransientJobException e) when (row.Attempts < row.MaxAttempts)
        {
            var delay = backoff.Delay(row.Attempts, TimeSpan.FromMilliseconds(row.BackoffBaseMs));
            await Finish(JobState.Retrying, new TransitionChanges
            {
                RunAt = time.GetUtcNow() + delay,
                Error = new JobError("TRANSIENT_ERROR", e.Message, null),
                Message = $"attempt {row.Attempts} of {row.MaxAttempts} failed: {e.Message}; retrying in {delay.TotalMilliseconds:0} ms",
            }).ConfigureAwait(false);
        }
        catch (TransientJobException e)
        {
            JobsLog.RetriesExhausted(logger, row.Id, row.Kind, row.MaxAttempts, e);
            await Finish(JobState.Failed, new TransitionChanges { Error = new JobError(JobErrorCodes.RetriesExhausted, $"All {row.MaxAttempts} attempts failed; the last: {e.Message}", ClientDetail(e)) }).ConfigureAwait(false);
        }
        catch (PermanentJobException e)
        {
            await Finish(JobState.Failed, new TransitionChanges { Error = new JobError(e.Code, e.Message, null) }).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not JobLeaseLostException)
        {
            // Anything the handler did not classify is a bug or bad input: retrying would fail the same way.
            JobsLog.UnclassifiedFailure(logger, row.Id, row.Kind, e);
            await Finish(JobState.Failed, new TransitionChanges { Error = new JobError(JobErrorCodes.HandlerError, e.Message, ClientDetail(e)) }).ConfigureAwait(false);
        }
        catch (JobLeaseLostException)
        {
            JobsLog.TakenOver(logger, row.Id, row.Kind);
        }

        // Outcomes are written even while the worker stops: a result computed is a result kept.
        Task Finish(JobState to, TransitionChanges changes) => Record(outcomes.WriteAsync(new JobOutcome(row.Id, lease, to, changes)));

        async Task Record(Task<bool> write)
        {
            if (!await write.ConfigureAwait(false))
                JobsLog.TakenOverBeforeOutcome(logger, row.Id, row.Kind);
        }
    }

    /// <summary>What a client may read about an exception: its type. The stack trace (server source paths) stays in the log.</summary>
    private static string ClientDetail(Exception e) => e.GetType().FullName ?? e.GetType().Name;
}
