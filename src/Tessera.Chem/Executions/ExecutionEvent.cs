namespace Tessera.Chem.Executions;

/// <summary>One thing that happened to an execution, numbered from 1 in order; <see cref="Data"/> is a JSON object (timings, codes) or null.</summary>
internal sealed record ExecutionEvent
{
    public Guid ExecutionId { get; init; }
    public int Seq { get; init; }
    public Guid OrgId { get; init; }
    public string Type { get; init; } = "";
    public string Message { get; init; } = "";
    public string? Data { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
}

/// <summary>The event types; clients branch on these, so they never change once shipped.</summary>
internal static class ExecutionEventTypes
{
    /// <summary>The result cache's decision (data: outcome, and the execution that served or was joined).</summary>
    public const string Cache = "cache";
    public const string Queued = "queued";

    /// <summary>A worker took the job (data: attempt).</summary>
    public const string Started = "started";

    /// <summary>What carries it out: in-process, or a task service's URL (data: service).</summary>
    public const string Service = "service";
    public const string ToolStarted = "tool_started";

    /// <summary>A tool exited (data: tool, step, exit_code, timed_out, seconds).</summary>
    public const string ToolFinished = "tool_finished";

    /// <summary>An attempt failed in a way that is retried (data: attempt, seconds).</summary>
    public const string AttemptFailed = "attempt_failed";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
}

/// <summary>A tool's output (one stream of one run) kept in the blob store.</summary>
internal sealed record ExecutionLog
{
    public Guid Id { get; init; }
    public Guid ExecutionId { get; init; }
    public Guid OrgId { get; init; }
    public string Step { get; init; } = "";
    public string Tool { get; init; } = "";
    public string Stream { get; init; } = "";
    public string BlobSha256 { get; init; } = "";
    public long SizeBytes { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
}
