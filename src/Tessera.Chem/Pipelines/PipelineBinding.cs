using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Tessera.Chem.Pipelines;

/// <summary>
/// Where a step parameter's value comes from: <c>$inputs.NAME</c>, an input given when the template is instantiated,
/// or <c>$steps.ID.result</c> followed by a path into that step's result (<c>.field</c>, <c>[index]</c>), e.g.
/// <c>$steps.dock.result.confidence.value</c> or <c>$steps.dock.result.poses[0].score</c>.
/// </summary>
internal sealed partial record PipelineBinding(string? Input, string? Step, IReadOnlyList<PathSegment> Path)
{
    public const string InputsPrefix = "$inputs.";
    public const string StepsPrefix = "$steps.";

    public static bool TryParse(string? text, out PipelineBinding binding)
    {
        binding = new PipelineBinding(null, null, []);
        if (text is null) return false;
        if (InputPattern().Match(text) is { Success: true } input)
        {
            binding = new PipelineBinding(input.Groups[1].Value, null, []);
            return true;
        }
        if (StepPattern().Match(text) is not { Success: true } step) return false;
        var path = SegmentPattern().Matches(step.Groups[2].Value)
            .Select(m => m.Groups[1].Success ? new PathSegment(m.Groups[1].Value, null) : new PathSegment(null, int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture)))
            .ToList();
        binding = new PipelineBinding(null, step.Groups[1].Value, path);
        return true;
    }

    /// <summary>The path as written after <c>result</c> (<c>.poses[0].score</c>), for messages.</summary>
    public string PathText => string.Concat(Path.Select(s => s.Name is not null ? "." + s.Name : $"[{s.Index}]"));

    /// <summary>The value at the path in a step's result; false when the result has nothing there.</summary>
    public bool TryResolve(JsonNode? result, out JsonNode? value)
    {
        value = result;
        foreach (var segment in Path)
        {
            value = (segment.Name, value) switch
            {
                ({ } name, JsonObject o) when o.TryGetPropertyValue(name, out var child) => child,
                (null, JsonArray a) when segment.Index < a.Count => a[segment.Index!.Value],
                _ => Missing,
            };
            if (ReferenceEquals(value, Missing)) return false;
        }
        value = value?.DeepClone();
        return true;
    }

    /// <summary>
    /// The schema of the value at the path in an output schema: <c>properties</c> (or an object
    /// <c>additionalProperties</c>) for a field, <c>items</c> for an index. Null when the schema declares nothing
    /// there; <c>$ref</c> and combinators are not followed.
    /// </summary>
    public JsonObject? SchemaAt(JsonObject outputSchema)
    {
        JsonObject? schema = outputSchema;
        foreach (var segment in Path)
        {
            schema = segment.Name is { } name
                ? schema?["properties"]?[name] as JsonObject ?? schema?["additionalProperties"] as JsonObject
                : schema?["items"] as JsonObject;
            if (schema is null) return null;
        }
        return schema;
    }

    private static readonly JsonObject Missing = [];

    [GeneratedRegex(@"^\$inputs\.([a-z][a-z0-9_]{0,49})$")]
    private static partial Regex InputPattern();

    [GeneratedRegex(@"^\$steps\.([a-z][a-z0-9_-]{0,49})\.result((?:\.[A-Za-z_][A-Za-z0-9_]*|\[[0-9]{1,6}\])*)$")]
    private static partial Regex StepPattern();

    [GeneratedRegex(@"\.([A-Za-z_][A-Za-z0-9_]*)|\[([0-9]{1,6})\]")]
    private static partial Regex SegmentPattern();
}

/// <summary>One step of a binding's path: a field <paramref name="Name"/> or an array <paramref name="Index"/>.</summary>
internal sealed record PathSegment(string? Name, int? Index);
