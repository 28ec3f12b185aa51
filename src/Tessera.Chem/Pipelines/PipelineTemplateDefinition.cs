using System.Text.Json.Nodes;

namespace Tessera.Chem.Pipelines;

/// <summary>
/// A saved, validated template of an organization. <see cref="Steps"/> is the JSON list of <see cref="PipelineStepDefinition"/>s
/// (task versions pinned); <see cref="Inputs"/> the JSON Schema of the parameters an instantiation gives (one per
/// <c>$inputs.NAME</c>, typed as the parameter it is bound to).
/// </summary>
internal sealed record PipelineTemplateDefinition
{
    public Guid Id { get; init; }
    public Guid OrgId { get; init; }
    public string Name { get; init; } = "";
    public int Version { get; init; }
    public string Description { get; init; } = "";
    public string Steps { get; init; } = "[]";
    public string Inputs { get; init; } = "{}";
    public Guid CreatedBy { get; init; }
    public DateTimeOffset CreatedAt { get; init; }

    public IReadOnlyList<PipelineStepDefinition> ReadSteps() => [.. JsonNode.Parse(Steps)!.AsArray().Select(s => PipelineStepDefinition.FromJson(s!.AsObject()))];
}

/// <summary>A step of a saved template; <see cref="Needs"/> is every step it waits for (bound to or named in <see cref="DependsOn"/>).</summary>
internal sealed record PipelineStepDefinition(
    string Id, string Task, int Version, JsonObject Parameters, IReadOnlyDictionary<string, string> Bind, IReadOnlyList<string> DependsOn)
{
    public IReadOnlyList<string> Needs =>
        [.. DependsOn.Concat(Bind.Values.Select(b => PipelineBinding.TryParse(b, out var p) ? p.Step : null).OfType<string>()).Distinct(StringComparer.Ordinal)];

    public JsonObject ToJson() => new()
    {
        ["id"] = Id, ["task"] = Task, ["version"] = Version, ["parameters"] = Parameters.DeepClone(),
        ["bind"] = new JsonObject(Bind.OrderBy(b => b.Key, StringComparer.Ordinal).Select(b => KeyValuePair.Create(b.Key, (JsonNode?)b.Value))),
        ["depends_on"] = new JsonArray([.. DependsOn.Select(d => (JsonNode)d)]),
    };

    public static PipelineStepDefinition FromJson(JsonObject o)
    {
        ArgumentNullException.ThrowIfNull(o);
        return new(
            o["id"]!.GetValue<string>(), o["task"]!.GetValue<string>(), o["version"]!.GetValue<int>(), o["parameters"]!.AsObject(),
            o["bind"]!.AsObject().ToDictionary(p => p.Key, p => p.Value!.GetValue<string>(), StringComparer.Ordinal),
            [.. o["depends_on"]!.AsArray().Select(d => d!.GetValue<string>())]);
    }
}
