namespace Tessera.Jobs.Storage;

/// <summary>
/// One claim of a job: the worker and the attempt number the claim gave it. The attempt is a fencing token:
/// a worker that lost a job and claimed it again cannot write through its older, stale run.
/// </summary>
internal sealed record JobLease(string WorkerId, int Attempt)
{
    /// <summary>The condition every lease-holder write adds (parameters <c>@leaseWorker</c> and <c>@leaseAttempt</c>).</summary>
    public const string Guard = "state = 'running' AND lease_owner = @leaseWorker AND attempts = @leaseAttempt";
}
