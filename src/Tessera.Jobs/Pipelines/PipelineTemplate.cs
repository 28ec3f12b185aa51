using System.Text.Json.Nodes;

namespace Tessera.Jobs;

/// <summary>
/// A DAG of steps that instantiates into one job per step. A step runs when every step it
/// <see cref="PipelineStep.DependsOn"/> has succeeded. When one fails (or is cancelled or skipped), each dependent
/// follows its policy: <c>fail</c> (fails with DEPENDENCY_FAILED) or <c>skip</c> (ends skipped), and so on downstream.
/// </summary>
public sealed record PipelineTemplate(IReadOnlyList<PipelineStep> Steps)
{
    /// <summary>The policy of steps that do not name their own.</summary>
    public string OnDependencyFailure { get; init; } = PipelinePolicies.Fail;
}

public sealed record PipelineStep(string Name, string Kind, JsonNode? Input)
{
    public IReadOnlyList<string> DependsOn { get; init; } = [];

    /// <summary><c>fail</c> or <c>skip</c>; null takes the template's.</summary>
    public string? OnDependencyFailure { get; init; }

    public int Priority { get; init; }
    public int? MaxAttempts { get; init; }
}

/// <summary>What a step does when a step it depends on does not succeed.</summary>
public static class PipelinePolicies
{
    public const string Fail = "fail";
    public const string Skip = "skip";
}

/// <summary>The jobs a template became, by step name.</summary>
public sealed record PipelineInstance(Guid PipelineId, IReadOnlyDictionary<string, JobInfo> Jobs);
