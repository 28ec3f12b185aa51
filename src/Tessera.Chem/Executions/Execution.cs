namespace Tessera.Chem.Executions;

/// <summary>
/// One run of a task version with its parameters (JSON text). The job <see cref="JobId"/> carries it out and holds its
/// state; <see cref="Result"/> is set, with the artifacts it made, when it succeeded.
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
    public Guid JobId { get; init; }
    public string? Result { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? CompletedAt { get; init; }
}
