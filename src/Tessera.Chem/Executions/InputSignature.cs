using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Tessera.Chem.Executions;

/// <summary>
/// What an execution's result depends on, and its hash. The components are one JSON object:
/// <c>task</c> (<c>name</c>, <c>version</c>), <c>tool</c> (each tool's version line, e.g. <c>vina</c>, <c>obabel</c>),
/// <c>inputs</c> (each parameter that names a file or a molecule, as what it stands for: <c>"pdbqt sha256:…"</c>,
/// <c>"smiles:…"</c> canonical) and <c>parameters</c> (the rest, with the input schema's defaults applied, so leaving a
/// defaulted field out and giving its default are the same). <see cref="Hash"/> is the SHA-256 of the canonical text:
/// keys sorted (ordinal), no whitespace, numbers in their shortest form (8 and 8.0 are one number).
/// </summary>
internal sealed record InputSignature(JsonObject Components, string Hash)
{
    public static InputSignature Of(string taskName, int taskVersion, IReadOnlyDictionary<string, string> tools, JsonObject inputs, JsonObject parameters)
    {
        ArgumentNullException.ThrowIfNull(tools);
        var toolObject = new JsonObject();
        foreach (var (name, version) in tools) toolObject[name] = version;
        var components = (JsonObject)Canonical(new JsonObject
        {
            ["task"] = new JsonObject { ["name"] = taskName, ["version"] = taskVersion },
            ["tool"] = toolObject,
            ["inputs"] = inputs.DeepClone(),
            ["parameters"] = parameters.DeepClone(),
        })!;
        return new InputSignature(components, HashOf(components));
    }

    /// <summary>The stored components (their canonical text) read back.</summary>
    public static InputSignature Parse(string components)
    {
        var node = (JsonObject)JsonNode.Parse(components)!;
        return new InputSignature(node, HashOf(node));
    }

    /// <summary>The hash the same components would have under another version of the task (for compatible versions).</summary>
    public string HashForVersion(int version)
    {
        var copy = (JsonObject)Components.DeepClone();
        copy["task"]!["version"] = version;
        return HashOf(copy);
    }

    public string Text => Components.ToJsonString();

    /// <summary>
    /// The parameters with the schema's <c>default</c> values filled in where a property is absent, recursively into
    /// objects that are present (the <c>properties</c> of an object schema; <c>$ref</c> and combinators are not followed).
    /// </summary>
    public static JsonObject WithDefaults(string inputSchema, JsonObject parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var result = (JsonObject)parameters.DeepClone();
        if (JsonNode.Parse(inputSchema) is JsonObject schema) Fill(schema, result);
        return result;
    }

    private static void Fill(JsonObject schema, JsonObject instance)
    {
        if (schema["properties"] is not JsonObject properties) return;
        foreach (var (name, property) in properties)
        {
            if (property is not JsonObject p) continue;
            if (!instance.ContainsKey(name))
            {
                if (p.TryGetPropertyValue("default", out var value)) instance[name] = value?.DeepClone();
            }
            else if (instance[name] is JsonObject nested) Fill(p, nested);
        }
    }

    /// <summary>Each leaf of the components by its dotted path (<c>parameters.box.center</c>: arrays are leaves), as canonical JSON text.</summary>
    public static SortedDictionary<string, string> Flatten(JsonObject components)
    {
        var leaves = new SortedDictionary<string, string>(StringComparer.Ordinal);
        Walk(components, "", leaves);
        return leaves;
    }

    private static void Walk(JsonNode? node, string path, SortedDictionary<string, string> leaves)
    {
        if (node is JsonObject o && (o.Count > 0 || path.Length == 0))
            foreach (var (key, value) in o) Walk(value, path.Length == 0 ? key : path + "." + key, leaves);
        else leaves[path] = node?.ToJsonString() ?? "null";
    }

    private static string HashOf(JsonObject components) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Canonical(components)!.ToJsonString())));

    /// <summary>The same JSON with object keys in ordinal order and numbers in their shortest round-trip form.</summary>
    public static JsonNode? Canonical(JsonNode? node) => node switch
    {
        JsonObject o => new JsonObject(o.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, Canonical(p.Value)))),
        JsonArray a => new JsonArray([.. a.Select(Canonical)]),
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => Number(v),
        _ => node?.DeepClone(),
    };

    private static JsonValue Number(JsonValue value)
    {
        var text = value.ToJsonString();
        if (decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d))
        {
            // 8, 8.0 and 8e0 are one number: the decimal without trailing zeros.
            var normal = d / 1.0000000000000000000000000000m;
            return normal == decimal.Truncate(normal) && Math.Abs(normal) < long.MaxValue ? JsonValue.Create((long)normal) : JsonValue.Create(normal);
        }
        return JsonValue.Create(double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture));
    }
}
