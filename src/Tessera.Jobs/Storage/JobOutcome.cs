namespace Tessera.Jobs.Storage;

/// <summary>How a worker's run of a job ended: the state to move it to from running, and what to write with it.</summary>
internal sealed record JobOutcome(Guid JobId, JobLease Lease, JobState To, TransitionChanges Changes);
