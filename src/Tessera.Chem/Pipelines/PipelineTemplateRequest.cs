using System.Text.Json.Nodes;

namespace Tessera.Chem.Pipelines;

/// <summary>
/// A pipeline template as a client sends it: a name (a new version when the organization has one by that name), a
/// description, and its steps.
/// </summary>
internal sealed record PipelineTemplateRequest(string? Name, IReadOnlyList<PipelineStepRequest>? Steps, string? Description = null);

/// <summary>
/// One step: an <paramref name="Id"/> unique in the template, the task it runs (<paramref name="Version"/> omitted: the
/// newest, pinned when the template is saved), fixed <paramref name="Parameters"/>, parameters bound (<paramref name="Bind"/>)
/// to <c>$inputs.NAME</c> or <c>$steps.ID.result.PATH</c>, and steps it waits for without taking their results.
/// </summary>
internal sealed record PipelineStepRequest(
    string? Id, string? Task, int? Version = null, JsonNode? Parameters = null, IReadOnlyDictionary<string, string>? Bind = null, IReadOnlyList<string>? DependsOn = null);
