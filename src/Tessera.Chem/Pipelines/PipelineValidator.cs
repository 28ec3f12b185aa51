using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Tessera.Chem.Tasks;

namespace Tessera.Chem.Pipelines;

/// <summary>What a template check found: every error (by JSON Pointer into the template), or the steps with pinned versions and the inputs' schema.</summary>
internal sealed record PipelineCheck(IReadOnlyList<SchemaError> Errors, IReadOnlyList<PipelineStepDefinition> Steps, JsonObject Inputs);

/// <summary>
/// Checks a template before it is saved, listing every problem with its path in the template: step ids unique and
/// well-formed; each task visible to the organization; each bound parameter a parameter of its task, bound once, to a
/// known step (not itself) or input; the bound output path present in the producing task's output schema with a type
/// the parameter takes; no cycle; and the fixed parameters valid against the task's input schema once the bound ones
/// are left to the run (their names dropped from its top-level <c>required</c>).
/// </summary>
internal static partial class PipelineValidator
{
    public const int MaxSteps = 50;

    /// <param name="request">The template as the client sent it.</param>
    /// <param name="findTask">The task version the organization sees by name (null version: the newest), or null.</param>
    public static PipelineCheck Check(PipelineTemplateRequest request, Func<string, int?, TaskDefinition?> findTask)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(findTask);
        var errors = new List<SchemaError>();
        var requested = request.Steps ?? [];
        if (requested.Count == 0) errors.Add(new SchemaError("/steps", "minItems", "A pipeline needs at least one step."));
        if (requested.Count > MaxSteps) errors.Add(new SchemaError("/steps", "maxItems", $"A pipeline has at most {MaxSteps} steps."));
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < requested.Count; i++)
        {
            var id = requested[i]?.Id;
            if (id is null || !StepIdPattern().IsMatch(id)) errors.Add(new SchemaError(At(i, "id"), "pattern", "A step id is 1 to 50 characters: lower-case letters, digits, '_' or '-', starting with a letter."));
            else if (!ids.Add(id)) errors.Add(new SchemaError(At(i, "id"), "uniqueItems", $"Two steps have the id '{id}'."));
        }

        var steps = new List<PipelineStepDefinition>();
        var definitions = new Dictionary<string, TaskDefinition>(StringComparer.Ordinal);
        var inputs = new JsonObject();
        var typeChecks = new List<(int Step, string Parameter, PipelineBinding Binding, JsonObject? Consumer)>();
        for (var i = 0; i < requested.Count; i++)
        {
            var step = requested[i];
            if (step is null) continue;
            var definition = string.IsNullOrWhiteSpace(step.Task) ? null : findTask(step.Task, step.Version);
            if (definition is null)
                errors.Add(new SchemaError(At(i, "task"), "task", step.Task is null ? "A step names the task it runs." : $"There is no task {step.Task}{(step.Version is { } v ? " v" + v.ToString(CultureInfo.InvariantCulture) : "")} you can use."));
            if (step.Parameters is not (null or JsonObject)) errors.Add(new SchemaError(At(i, "parameters"), "type", "parameters must be a JSON object."));
            var parameters = step.Parameters as JsonObject ?? [];
            var bind = step.Bind ?? new Dictionary<string, string>();
            var dependsOn = step.DependsOn ?? [];
            for (var d = 0; d < dependsOn.Count; d++)
                if (!ids.Contains(dependsOn[d]) || dependsOn[d] == step.Id)
                    errors.Add(new SchemaError(At(i, "depends_on/" + d.ToString(CultureInfo.InvariantCulture)), "step", $"'{dependsOn[d]}' is not another step of this pipeline."));
            if (definition is not null && step.Id is not null) definitions[step.Id] = definition;
            var inputSchema = definition is null ? null : JsonNode.Parse(definition.InputSchema) as JsonObject;
            foreach (var (parameter, expression) in bind.OrderBy(b => b.Key, StringComparer.Ordinal))
            {
                var path = At(i, "bind/" + parameter);
                var consumer = inputSchema?["properties"]?[parameter] as JsonObject;
                if (inputSchema is not null && inputSchema["properties"] is JsonObject && consumer is null)
                    errors.Add(new SchemaError(path, "parameter", $"{definition!.Name} v{definition.Version} has no parameter '{parameter}'."));
                if (parameters.ContainsKey(parameter))
                    errors.Add(new SchemaError(path, "parameter", $"'{parameter}' is both a fixed parameter and bound; give it one way."));
                if (!PipelineBinding.TryParse(expression, out var binding))
                {
                    errors.Add(new SchemaError(path, "binding", $"'{expression}' is no binding: write $inputs.NAME or $steps.ID.result.PATH (e.g. $steps.dock.result.poses[0].score)."));
                    continue;
                }
                if (binding.Input is { } input)
                {
                    if (!inputs.ContainsKey(input)) inputs[input] = consumer?.DeepClone() ?? new JsonObject();
                    continue;
                }
                if (binding.Step == step.Id || !ids.Contains(binding.Step!))
                {
                    errors.Add(new SchemaError(path, "step", $"'{binding.Step}' is not another step of this pipeline."));
                    continue;
                }
                // The producer's output type is checked once its definition is known (steps may come in any order).
                typeChecks.Add((i, parameter, binding, consumer));
            }
            var fixedErrors = inputSchema is null ? [] : TaskSchemas.Validate(WithoutRequired(inputSchema, bind.Keys).ToJsonString(), parameters);
            errors.AddRange(fixedErrors.Select(e => e with { InstancePath = At(i, "parameters") + e.InstancePath }));
            if (step.Id is not null && definition is not null)
                steps.Add(new PipelineStepDefinition(step.Id, definition.Name, definition.Version, (JsonObject)parameters.DeepClone(), new Dictionary<string, string>(bind, StringComparer.Ordinal), [.. dependsOn]));
        }
        foreach (var (i, parameter, binding, consumer) in typeChecks)
        {
            if (!definitions.TryGetValue(binding.Step!, out var producer)) continue;
            var path = At(i, "bind/" + parameter);
            var produced = binding.SchemaAt(JsonNode.Parse(producer.OutputSchema) as JsonObject ?? []);
            if (produced is null)
            {
                errors.Add(new SchemaError(path, "output", $"{producer.Name} v{producer.Version}'s output schema has no result{binding.PathText}."));
                continue;
            }
            var (from, to) = (PipelineTypes.Of(produced), PipelineTypes.Of(consumer));
            if (!PipelineTypes.Fits(from, to))
                errors.Add(new SchemaError(path, "type", $"$steps.{binding.Step}.result{binding.PathText} is {PipelineTypes.Describe(from)}; '{parameter}' takes {PipelineTypes.Describe(to)}."));
        }
        var graph = requested.Where(r => r?.Id is not null).DistinctBy(r => r.Id).ToDictionary(
            r => r.Id!, r => (IReadOnlyList<string>)[.. (r.DependsOn ?? []).Concat((r.Bind ?? new Dictionary<string, string>()).Values
                .Select(b => PipelineBinding.TryParse(b, out var p) ? p.Step : null).OfType<string>()).Where(u => ids.Contains(u) && u != r.Id)], StringComparer.Ordinal);
        if (Cycle(graph) is { } cycle)
            errors.Add(new SchemaError("/steps", "cycle", $"The steps {string.Join(" → ", cycle)} form a cycle: a pipeline is a DAG."));
        return new PipelineCheck(errors, steps, InputsSchema(inputs));
    }

    /// <summary>The steps of one cycle in order (its first step repeated at the end), or null for a DAG.</summary>
    public static IReadOnlyList<string>? Cycle(IReadOnlyDictionary<string, IReadOnlyList<string>> needs)
    {
        ArgumentNullException.ThrowIfNull(needs);
        var done = new HashSet<string>(StringComparer.Ordinal);
        var path = new List<string>();
        foreach (var start in needs.Keys.Order(StringComparer.Ordinal))
            if (Visit(start) is { } found) return found;
        return null;

        List<string>? Visit(string step)
        {
            if (done.Contains(step)) return null;
            var at = path.IndexOf(step);
            if (at >= 0) return [.. path.Skip(at), step];
            path.Add(step);
            foreach (var upstream in needs.GetValueOrDefault(step) ?? [])
                if (Visit(upstream) is { } found) return found;
            path.RemoveAt(path.Count - 1);
            done.Add(step);
            return null;
        }
    }

    /// <summary>The steps in an order where each comes after every step it needs (the template's order among equals).</summary>
    public static IReadOnlyList<PipelineStepDefinition> Ordered(IReadOnlyList<PipelineStepDefinition> steps)
    {
        ArgumentNullException.ThrowIfNull(steps);
        var placed = new HashSet<string>(StringComparer.Ordinal);
        var ordered = new List<PipelineStepDefinition>();
        while (ordered.Count < steps.Count)
        {
            var next = steps.First(s => !placed.Contains(s.Id) && s.Needs.All(placed.Contains));
            placed.Add(next.Id);
            ordered.Add(next);
        }
        return ordered;
    }

    /// <summary>The input schema less the bound parameters' names in its top-level <c>required</c>: the run supplies them.</summary>
    public static JsonObject WithoutRequired(JsonObject inputSchema, IEnumerable<string> bound)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        var schema = (JsonObject)inputSchema.DeepClone();
        var names = bound.ToHashSet(StringComparer.Ordinal);
        if (schema["required"] is JsonArray required)
            schema["required"] = new JsonArray([.. required.Where(r => !names.Contains(r!.GetValue<string>())).Select(r => r!.DeepClone())]);
        return schema;
    }

    /// <summary>The schema an instantiation's parameters must match: each input, typed as the parameter bound to it, required.</summary>
    private static JsonObject InputsSchema(JsonObject inputs) => new()
    {
        ["$schema"] = TaskSchemas.Draft202012,
        ["type"] = "object",
        ["properties"] = inputs.DeepClone(),
        ["required"] = new JsonArray([.. inputs.Select(p => (JsonNode)p.Key)]),
        ["additionalProperties"] = false,
    };

    private static string At(int step, string field) => "/steps/" + step.ToString(CultureInfo.InvariantCulture) + "/" + field;

    [GeneratedRegex("^[a-z][a-z0-9_-]{0,49}$")]
    private static partial Regex StepIdPattern();
}
