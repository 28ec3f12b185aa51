namespace Tessera.Chem.Services;

/// <summary>A task version a service runs.</summary>
internal sealed record ServedTask(string Name, int Version);

/// <summary>
/// One registered instance of a task service: the organization whose token registered it (it serves that organization's
/// executions only), the URL the server calls, the server URL the service reached (signed input links are made absolute
/// with it), its tools' versions (JSON text) and the task versions it runs.
/// </summary>
internal sealed record TaskService
{
    public Guid Id { get; init; }
    public Guid OrgId { get; init; }
    public Guid RegisteredBy { get; init; }
    public string Url { get; init; } = "";
    public string ServerUrl { get; init; } = "";
    public string ToolVersions { get; init; } = "{}";
    public DateTimeOffset RegisteredAt { get; init; }
    public DateTimeOffset HeartbeatAt { get; init; }
    public DateTimeOffset LastUsedAt { get; init; }
    public IReadOnlyList<ServedTask> Tasks { get; init; } = [];
}

/// <summary>A registration as the service sends it.</summary>
internal sealed record TaskServiceRegistration(string? Url, IReadOnlyList<ServedTaskRequest>? Tasks, IReadOnlyDictionary<string, string>? ToolVersions);

/// <summary>One task version in a registration.</summary>
internal sealed record ServedTaskRequest(string? Name, int? Version);
