namespace Tessera.Jobs;

/// <summary>
/// The jobs of one kind that wait for a worker (queued, or retrying after a backoff) and the earliest time any of
/// them became claimable.
/// </summary>
public sealed record JobQueueDepth(string Kind, long Queued, DateTimeOffset EarliestRunAt);
