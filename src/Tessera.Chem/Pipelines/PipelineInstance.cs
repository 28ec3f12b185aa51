namespace Tessera.Chem.Pipelines;

/// <summary>One run of a template with the inputs it was given (JSON); <see cref="RerunOf"/> names the instance it reran.</summary>
internal sealed record PipelineInstance
{
    public Guid Id { get; init; }
    public Guid OrgId { get; init; }
    public Guid UserId { get; init; }
    public Guid TemplateId { get; init; }
    public string Parameters { get; init; } = "{}";
    public Guid? RerunOf { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
}

/// <summary>A step of an instance: its position in the template, task version, the steps it waits for (JSON list) and its execution.</summary>
internal sealed record PipelineInstanceStep
{
    public Guid InstanceId { get; init; }
    public string StepId { get; init; } = "";
    public int Position { get; init; }
    public string TaskName { get; init; } = "";
    public int TaskVersion { get; init; }
    public string DependsOn { get; init; } = "[]";
    public Guid ExecutionId { get; init; }
}
