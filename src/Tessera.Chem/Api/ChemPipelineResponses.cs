using System.Text.Json.Nodes;
using Tessera.Chem.Pipelines;
using Tessera.Jobs;

namespace Tessera.Chem.Api;

/// <summary>
/// A saved pipeline template: its steps (task versions pinned) and <paramref name="Inputs"/>, the JSON Schema of the
/// parameters an instantiation gives.
/// </summary>
internal sealed record ChemPipelineTemplate(
    Guid Id, string Name, int Version, string Description, IReadOnlyList<ChemPipelineTemplateStep> Steps, JsonNode? Inputs, DateTimeOffset CreatedAt)
{
    public static ChemPipelineTemplate From(PipelineTemplateDefinition t)
    {
        ArgumentNullException.ThrowIfNull(t);
        return new(t.Id, t.Name, t.Version, t.Description, [.. t.ReadSteps().Select(ChemPipelineTemplateStep.From)], JsonNode.Parse(t.Inputs), t.CreatedAt);
    }
}

/// <summary>
/// A template step: its task version, fixed parameters, parameters bound to <c>$inputs.NAME</c> or
/// <c>$steps.ID.result.PATH</c>, the steps named in depends_on, and <paramref name="Needs"/>, every step it waits for.
/// </summary>
internal sealed record ChemPipelineTemplateStep(
    string Id, ChemExecutionTask Task, JsonNode? Parameters, IReadOnlyDictionary<string, string> Bind, IReadOnlyList<string> DependsOn, IReadOnlyList<string> Needs)
{
    public static ChemPipelineTemplateStep From(PipelineStepDefinition s) =>
        new(s.Id, new ChemExecutionTask(s.Task, s.Version), s.Parameters.DeepClone(), s.Bind, s.DependsOn, s.Needs);
}

/// <summary>An instantiation: the template's inputs (see the template's <c>inputs</c> schema).</summary>
internal sealed record ChemPipelineInstantiation(JsonNode? Parameters);

/// <summary>The template an instance runs.</summary>
internal sealed record ChemPipelineTemplateReference(Guid Id, string Name, int Version);

/// <summary>
/// One run of a template. <paramref name="State"/>: running while any step has not ended, then succeeded (every step
/// did), failed (a step failed; its dependants are skipped) or cancelled. <paramref name="CachedSteps"/> counts the
/// steps the result cache served. <paramref name="RerunOf"/> is the instance this one reran.
/// </summary>
internal sealed record ChemPipelineInstance(
    Guid Id, string State, ChemPipelineTemplateReference Template, JsonNode? Parameters, Guid? RerunOf, IReadOnlyList<ChemPipelineInstanceStep> Steps,
    int CachedSteps, DateTimeOffset CreatedAt, DateTimeOffset? FinishedAt)
{
    public static ChemPipelineInstance From(PipelineService.InstanceView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        var states = view.Steps.ToDictionary(s => s.Step.StepId, s => s.Job.State, StringComparer.Ordinal);
        var steps = view.Steps.Select(s => ChemPipelineInstanceStep.From(s, states)).ToList();
        var ended = view.Steps.All(s => s.Job.State.IsTerminal());
        var state = !ended ? "running"
            : view.Steps.All(s => s.Job.State == JobState.Succeeded) ? "succeeded"
            : view.Steps.Any(s => s.Job.State == JobState.Failed) ? "failed"
            : "cancelled";
        return new ChemPipelineInstance(
            view.Instance.Id, state, new ChemPipelineTemplateReference(view.Template.Id, view.Template.Name, view.Template.Version), JsonNode.Parse(view.Instance.Parameters),
            view.Instance.RerunOf, steps, steps.Count(s => s.Cached), view.Instance.CreatedAt, ended ? view.Steps.Max(s => s.Job.FinishedAt) : null);
    }
}

/// <summary>
/// A step of an instance: its job's <paramref name="State"/> (waiting for the steps it needs, queued, running,
/// succeeded, failed, or skipped when a step it needs did not succeed: <paramref name="Reason"/> says which), its
/// execution (<c>GET /executions/{id}</c> has the artifacts' links), whether the result cache served it, its parameters
/// once bound and its result or error.
/// </summary>
internal sealed record ChemPipelineInstanceStep(
    string Id, ChemExecutionTask Task, IReadOnlyList<string> DependsOn, string State, Guid ExecutionId, Guid JobId, bool Cached, Guid? CachedFrom, string? CacheOutcome,
    JsonNode? Parameters, JsonNode? Result, ChemExecutionError? Error, string? Reason, ChemExecutionProgress Progress,
    DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt)
{
    public static ChemPipelineInstanceStep From(PipelineService.StepView view, IReadOnlyDictionary<string, JobState> states)
    {
        ArgumentNullException.ThrowIfNull(view);
        ArgumentNullException.ThrowIfNull(states);
        var (step, execution, job) = (view.Step, view.Execution, view.Job);
        var needs = JsonNode.Parse(step.DependsOn)!.AsArray().Select(n => n!.GetValue<string>()).ToList();
        var reason = job.State switch
        {
            JobState.Skipped => "Not run: " + string.Join(", ", needs.Where(n => states[n] != JobState.Succeeded).Select(n => $"step '{n}' ended {states[n].Name()}")) + ".",
            JobState.Waiting => "Waits for " + string.Join(", ", needs.Where(n => states[n] != JobState.Succeeded).Select(n => $"step '{n}'")) + ".",
            JobState.Failed => job.Error?.Message,
            _ when execution.CachedFrom is { } from => $"Served from the cache: execution {from} had completed with the same input signature.",
            _ => null,
        };
        return new ChemPipelineInstanceStep(
            step.StepId, new ChemExecutionTask(step.TaskName, step.TaskVersion), needs, job.State.Name(), execution.Id, job.Id, execution.CachedFrom is not null,
            execution.CachedFrom, execution.CacheOutcome, JsonNode.Parse(execution.Parameters),
            execution.Result is { } r ? JsonNode.Parse(r) : null, job.Error is { } e ? new ChemExecutionError(e.Code, e.Message) : null, reason,
            new ChemExecutionProgress(job.Progress.Done, job.Progress.Total, job.Progress.Message), job.StartedAt, job.FinishedAt);
    }
}
