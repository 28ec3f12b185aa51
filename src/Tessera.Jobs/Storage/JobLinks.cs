namespace Tessera.Jobs.Storage;

/// <summary>How a new job relates to others: its parent (fan-out), its pipeline step, or the failed job it retries.</summary>
internal sealed record JobLinks
{
    public static JobLinks None { get; } = new();

    public JobState InitialState { get; init; } = JobState.Queued;
    public Guid? ParentId { get; init; }
    public Guid? PipelineId { get; init; }
    public string? StepName { get; init; }
    public string OnDependencyFailure { get; init; } = PipelinePolicies.Fail;
    public Guid? RetryOf { get; init; }
}
