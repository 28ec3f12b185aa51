using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using Tessera.Core.Errors;

namespace Tessera.Chem.Tasks;

/// <summary>
/// JSON Schema 2020-12 for the registry (JsonSchema.Net): a schema offered for registration is checked against the
/// 2020-12 meta-schema (a broken one is a 422 naming where), and parameters are evaluated against a stored schema
/// with every failed check listed by instance path.
/// </summary>
internal static class TaskSchemas
{
    public const string Draft202012 = "https://json-schema.org/draft/2020-12/schema";

    private static readonly EvaluationOptions Options = new() { OutputFormat = OutputFormat.Hierarchical };

    /// <summary>The schema as canonical text, or a 422 listing why it is no 2020-12 schema (<paramref name="field"/> names it).</summary>
    public static string RequireValid(JsonNode? schema, string field)
    {
        if (schema is not JsonObject and not JsonValue) throw Invalid(field, [new SchemaError("", "type", "A schema must be a JSON object (or a boolean).")]);
        if (schema is JsonObject o && o.TryGetPropertyValue("$schema", out var declared) && declared?.ToString() != Draft202012)
            throw Invalid(field, [new SchemaError("/$schema", "$schema", $"Only JSON Schema draft 2020-12 ({Draft202012}) is accepted.")]);
        var errors = Errors(MetaSchemas.Draft202012.Evaluate(Reparsed(schema), Options));
        if (errors.Count > 0) throw Invalid(field, errors);
        var text = schema.ToJsonString();
        try
        {
            JsonSchema.FromText(text);
        }
        catch (JsonException e)
        {
            throw Invalid(field, [new SchemaError("", "", e.Message)]);
        }
        return text;
    }

    /// <summary>Every failed check of <paramref name="parameters"/> against <paramref name="schemaText"/> (none: valid).</summary>
    public static IReadOnlyList<SchemaError> Validate(string schemaText, JsonNode? parameters) =>
        Errors(JsonSchema.FromText(schemaText).Evaluate(Reparsed(parameters), Options));

    /// <summary>
    /// The same JSON as plain nodes: a body bound by ASP.NET is backed by a JsonElement, whose values JsonSchema.Net 7
    /// cannot read as objects (it throws on the first "type" check).
    /// </summary>
    private static JsonNode? Reparsed(JsonNode? node) => node is null ? null : JsonNode.Parse(node.ToJsonString());

    // Only failures that make the whole invalid: a valid node's details are not errors, nor is the failed side of a
    // oneOf/anyOf/if that held (its branches are the failing node's children, the keyword itself then has no error).
    private static readonly string[] Branching = ["oneOf", "anyOf", "if", "not"];

    private static List<SchemaError> Errors(EvaluationResults results)
    {
        var errors = new List<SchemaError>();
        Collect(results, errors);
        return [.. errors.Distinct()];
    }

    private static void Collect(EvaluationResults node, List<SchemaError> errors)
    {
        if (node.IsValid) return;
        if (node.Errors is { Count: > 0 })
            errors.AddRange(node.Errors.Select(e => new SchemaError(node.InstanceLocation.ToString(), e.Key, e.Value)));
        foreach (var child in node.Details)
        {
            var branch = BranchKeyword(child.EvaluationPath.ToString());
            if (branch is not null && node.Errors?.ContainsKey(branch) != true) continue;
            Collect(child, errors);
        }
    }

    /// <summary>The branching keyword a node evaluates under (<c>…/oneOf/1</c>, <c>…/if</c>), or null.</summary>
    private static string? BranchKeyword(string evaluationPath)
    {
        var segments = evaluationPath.Split('/');
        var last = segments[^1];
        if (Branching.Contains(last)) return last;
        return segments.Length > 1 && int.TryParse(last, out _) && Branching.Contains(segments[^2]) ? segments[^2] : null;
    }

    private static TesseraException Invalid(string field, List<SchemaError> errors)
    {
        var error = new TesseraException(ChemErrorCodes.SchemaInvalid, 422, $"{field} is not a valid JSON Schema 2020-12 ({errors.Count} problem(s); see 'errors').");
        error.Extensions["errors"] = errors;
        return error;
    }
}
