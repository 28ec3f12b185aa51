using System.Text.Json;
using System.Text.Json.Nodes;

namespace Tessera.Testing.Contracts;

/// <summary>
/// What a schema validator lets through but a client trips over: an empty object where the schema declares one with
/// properties (a tuple or an anonymous type serialized as <c>{}</c>), and a non-finite number smuggled in as a string
/// ("NaN", "Infinity") where the schema wants a number.
/// </summary>
public static class JsonBodyChecks
{
    private static readonly string[] NonFinite = ["NaN", "Infinity", "-Infinity"];

    /// <param name="instance">The body.</param>
    /// <param name="schema">Its schema, with references into <paramref name="definitions"/> as <c>#/$defs/Name</c>.</param>
    /// <param name="definitions">The named schemas.</param>
    public static IReadOnlyList<string> Check(JsonNode? instance, JsonNode schema, JsonObject definitions)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        var problems = new List<string>();
        Walk(instance, schema, definitions, "", problems, depth: 0);
        return problems;
    }

    private static void Walk(JsonNode? instance, JsonNode? schema, JsonObject definitions, string path, List<string> problems, int depth)
    {
        schema = Resolve(schema, definitions);
        if (instance is null || schema is not JsonObject declared || depth > 64) return;
        foreach (var branchKey in new[] { "oneOf", "anyOf", "allOf" })
        {
            if (declared[branchKey] is JsonArray branches)
                foreach (var branch in branches)
                    if (Accepts(Resolve(branch, definitions), instance)) Walk(instance, branch, definitions, path, problems, depth + 1);
        }
        switch (instance)
        {
            case JsonObject obj:
                var properties = declared["properties"] as JsonObject;
                if (obj.Count == 0 && properties is { Count: > 0 })
                    problems.Add($"'{path}' is {{}} where the schema declares an object with properties ({string.Join(", ", properties.Select(p => p.Key))}).");
                foreach (var (key, value) in obj)
                {
                    var sub = properties?[key] ?? declared["additionalProperties"] as JsonObject;
                    Walk(value, sub, definitions, $"{path}/{key}", problems, depth + 1);
                }
                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++) Walk(array[i], declared["items"], definitions, $"{path}/{i}", problems, depth + 1);
                break;
            case JsonValue value when value.GetValueKind() == JsonValueKind.String && Types(declared).Contains("number")
                                      && NonFinite.Contains(value.GetValue<string>()):
                problems.Add($"'{path}' is the non-finite number \"{value.GetValue<string>()}\".");
                break;
        }
    }

    private static JsonNode? Resolve(JsonNode? schema, JsonObject definitions)
    {
        for (var hops = 0; hops < 16 && schema?["$ref"]?.GetValue<string>() is { } target && target.StartsWith("#/$defs/", StringComparison.Ordinal); hops++)
            schema = definitions[target["#/$defs/".Length..]];
        return schema;
    }

    private static bool Accepts(JsonNode? schema, JsonNode instance)
    {
        var types = Types(schema);
        if (types.Count == 0) return true;
        var kind = instance.GetValueKind() switch
        {
            JsonValueKind.Object => "object",
            JsonValueKind.Array => "array",
            JsonValueKind.String => "string",
            JsonValueKind.Number => "number",
            JsonValueKind.True or JsonValueKind.False => "boolean",
            _ => "null",
        };
        return types.Contains(kind) || (kind == "number" && types.Contains("integer"));
    }

    private static List<string> Types(JsonNode? schema) => schema?["type"] switch
    {
        JsonArray many => many.Select(t => t!.GetValue<string>()).ToList(),
        JsonValue one => [one.GetValue<string>()],
        _ => [],
    };
}
