namespace Tessera.Jobs;

/// <summary>The job an enqueue produced, and whether it is new (false: the idempotency key named an existing one).</summary>
public sealed record JobEnqueueResult(JobInfo Job, bool Created);
