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

    private static readonly EvaluationOptions Options = new() { OutputFormat = OutputFormat.List };

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

    // A valid result can still list failed branches (the other side of a oneOf), so only an invalid one has errors.
    private static List<SchemaError> Errors(EvaluationResults results) => results.IsValid ? [] :
        [.. (results.Details.Count > 0 ? results.Details : [results])
            .Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => new SchemaError(d.InstanceLocation.ToString(), e.Key, e.Value)))
            .Distinct()];

    private static TesseraException Invalid(string field, List<SchemaError> errors)
    {
        var error = new TesseraException(ChemErrorCodes.SchemaInvalid, 422, $"{field} is not a valid JSON Schema 2020-12 ({errors.Count} problem(s); see 'errors').");
        error.Extensions["errors"] = errors;
        return error;
    }
}
