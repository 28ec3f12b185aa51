using Tessera.Core.Errors;

namespace Tessera.Jobs;

/// <summary>
/// The one place that says which state changes are allowed. Every write that changes a job's state asks it
/// first, and terminal states (succeeded, failed, cancelled, skipped) have no way out: a retry creates a new job.
/// </summary>
public static class JobStateMachine
{
    public const string InvalidTransitionCode = "JOB_INVALID_TRANSITION";

    private static readonly Dictionary<JobState, JobState[]> Allowed = new()
    {
        // Dependencies or children settled: run it; a dependency failed: fail or skip; or the user cancelled.
        [JobState.Waiting] = [JobState.Queued, JobState.Failed, JobState.Skipped, JobState.Cancelled],
        [JobState.Queued] = [JobState.Running, JobState.Cancelled],
        // Running → queued: its lease expired (worker died) or its worker shut down and released it.
        // Running → waiting: it enqueued children and waits for them (fan-in).
        [JobState.Running] = [JobState.Succeeded, JobState.Failed, JobState.Cancelled, JobState.Retrying, JobState.Queued, JobState.Waiting],
        [JobState.Retrying] = [JobState.Running, JobState.Cancelled],
        [JobState.Succeeded] = [],
        [JobState.Failed] = [],
        [JobState.Cancelled] = [],
        [JobState.Skipped] = [],
    };

    public static bool CanTransition(JobState from, JobState to) => Allowed[from].Contains(to);

    /// <summary>Throws a 409 problem unless <paramref name="from"/> → <paramref name="to"/> is allowed.</summary>
    public static void Ensure(JobState from, JobState to)
    {
        if (!CanTransition(from, to))
            throw TesseraException.Conflict(InvalidTransitionCode, $"A job cannot go from {from.Name()} to {to.Name()}.");
    }
}
