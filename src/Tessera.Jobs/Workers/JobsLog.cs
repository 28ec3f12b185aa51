using Microsoft.Extensions.Logging;

namespace Tessera.Jobs.Workers;

/// <summary>What the job workers log, source-generated; event ids 3001–3099 belong to Jobs.</summary>
internal static partial class JobsLog
{
    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Worker {WorkerId} started: {Concurrency} slot(s), kinds {Kinds}.")]
    public static partial void WorkerStarted(ILogger logger, string workerId, int concurrency, string kinds);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Information, Message = "Worker {WorkerId} stopped.")]
    public static partial void WorkerStopped(ILogger logger, string workerId);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Warning, Message = "Worker {WorkerId} could not claim jobs; it retries with growing waits (up to {MaxWait} ms) and logs again when claiming works.")]
    public static partial void ClaimFailed(ILogger logger, string workerId, double maxWait, Exception exception);

    [LoggerMessage(EventId = 3012, Level = LogLevel.Information, Message = "Worker {WorkerId} claims jobs again after {Failures} failed tries.")]
    public static partial void ClaimRecovered(ILogger logger, string workerId, int failures);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Error, Message = "Worker {WorkerId} could not record the outcome of job {JobId}.")]
    public static partial void OutcomeNotRecorded(ILogger logger, string workerId, Guid jobId, Exception exception);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Warning, Message = "Worker {WorkerId} could not renew its leases; it tries again at every heartbeat and logs again when renewing works.")]
    public static partial void RenewFailed(ILogger logger, string workerId, Exception exception);

    [LoggerMessage(EventId = 3013, Level = LogLevel.Information, Message = "Worker {WorkerId} renews its leases again after {Failures} failed heartbeats.")]
    public static partial void RenewRecovered(ILogger logger, string workerId, int failures);

    [LoggerMessage(EventId = 3006, Level = LogLevel.Warning, Message = "Job {JobId} ({Kind}) was taken over by another worker; this worker's run is discarded.")]
    public static partial void TakenOver(ILogger logger, Guid jobId, string kind);

    [LoggerMessage(EventId = 3007, Level = LogLevel.Warning, Message = "Job {JobId} ({Kind}) was taken over by another worker before this worker could record its outcome.")]
    public static partial void TakenOverBeforeOutcome(ILogger logger, Guid jobId, string kind);

    [LoggerMessage(EventId = 3008, Level = LogLevel.Error, Message = "Job {JobId} ({Kind}) failed after {Attempts} attempts.")]
    public static partial void RetriesExhausted(ILogger logger, Guid jobId, string kind, int attempts, Exception exception);

    [LoggerMessage(EventId = 3009, Level = LogLevel.Error, Message = "Job {JobId} ({Kind}) failed with an unclassified error.")]
    public static partial void UnclassifiedFailure(ILogger logger, Guid jobId, string kind, Exception exception);

    [LoggerMessage(EventId = 3010, Level = LogLevel.Warning, Message = "Writing {Count} job outcomes together failed; writing them one by one.")]
    public static partial void BatchWriteFailed(ILogger logger, int count, Exception exception);

    [LoggerMessage(EventId = 3011, Level = LogLevel.Warning, Message = "The job wake-up listener lost its connection; it reconnects with growing waits (workers poll meanwhile) and logs again when it listens.")]
    public static partial void WakeupListenerLost(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 3014, Level = LogLevel.Information, Message = "The job wake-up listener listens again after {Failures} failed connection attempts.")]
    public static partial void WakeupListenerRestored(ILogger logger, int failures);
}
