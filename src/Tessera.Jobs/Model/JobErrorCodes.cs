namespace Tessera.Jobs;

/// <summary>The error codes the engine records on failed jobs (handlers add their own) and answers to refused changes.</summary>
public static class JobErrorCodes
{
    public const string HandlerError = "HANDLER_ERROR";
    public const string RetriesExhausted = "RETRIES_EXHAUSTED";
    public const string LeaseExpired = "LEASE_EXPIRED";
    public const string DependencyFailed = "DEPENDENCY_FAILED";
    public const string UnknownKind = "JOB_KIND_UNKNOWN";
    public const string AlreadyRetried = "JOB_ALREADY_RETRIED";
}
