namespace Tessera.Chem.Executions;

/// <summary>
/// One run of a task version with its parameters (JSON text). The job <see cref="JobId"/> carries it out and holds its
/// state; when it succeeded, <see cref="ResultId"/> names its result (with the artifacts it made) in the
/// organization's own store, whence <see cref="Result"/> is read where it is needed.
/// </summary>
internal sealed record Execution
{
    /// <summary>The service of the system tasks: handlers in the worker processes of the job engine.</summary>
    public const string InProcessService = "in-process";

    public Guid Id { get; init; }
    public Guid OrgId { get; init; }
    public Guid UserId { get; init; }
    public Guid TaskId { get; init; }
    public string TaskName { get; init; } = "";
    public int TaskVersion { get; init; }
    public string Service { get; init; } = InProcessService;
    public string Parameters { get; init; } = "{}";
    /// <summary>The job that runs it; null when another execution served it (<see cref="CachedFrom"/>).</summary>
    public Guid? JobId { get; init; }
    /// <summary>Its result in the organization's store (<c>OrganizationStores</c>); a cache hit names its source's.</summary>
    public Guid? ResultId { get; init; }

    /// <summary>The result's JSON, once read from the organization's store (<c>ExecutionResults.WithResultAsync</c>); no column.</summary>
    public string? Result { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? CompletedAt { get; init; }

    /// <summary>The SHA-256 of the canonical <see cref="SignatureComponents"/> (<see cref="InputSignature"/>); null for executions from before the cache.</summary>
    public string? InputSignature { get; init; }

    public string? SignatureComponents { get; init; }

    /// <summary>The execution whose result this one is: a completed one (a hit) or one in flight it joined.</summary>
    public Guid? CachedFrom { get; init; }

    /// <summary>What the cache decided on submission (<see cref="CacheOutcomes"/>).</summary>
    public string? CacheOutcome { get; init; }

    /// <summary>When an execution with a job of its own ended (null: queued or running as far as Chem knows); a cache hit ends when it is submitted.</summary>
    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>The CPU seconds charged to it: each attempt's wall time times the task's cpu hint (<see cref="CpuCharge"/>).</summary>
    public double? CpuSeconds { get; init; }
}

/// <summary>What the result cache decided when an execution was submitted.</summary>
internal static class CacheOutcomes
{
    /// <summary>A completed execution with the same signature served it.</summary>
    public const string Hit = "hit";

    /// <summary>An identical execution was in flight; this one waits on it instead of running the tool again.</summary>
    public const string Joined = "joined";

    /// <summary>No completed execution with the same signature (or only expired or failed ones): it runs.</summary>
    public const string Miss = "miss";

    /// <summary>The caller asked for a fresh run (<c>?cache=false</c>, <c>--no-cache</c>).</summary>
    public const string Bypassed = "bypassed";

    /// <summary>The task version's cache policy is off.</summary>
    public const string Disabled = "disabled";
}
