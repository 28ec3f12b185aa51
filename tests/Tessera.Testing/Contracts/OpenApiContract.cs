using System.Text.Json.Nodes;
using Json.Schema;

namespace Tessera.Testing.Contracts;

/// <summary>
/// The served OpenAPI document as a checker of responses: a body must validate against the schema the document
/// declares for its route, method, status and media type (JSON Schema 2020-12, which OpenAPI 3.1 schemas are), and pass
/// <see cref="JsonBodyChecks"/>.
/// </summary>
public sealed class OpenApiContract
{
    private const string ComponentPrefix = "#/components/schemas/";
    private readonly JsonObject document;
    private readonly JsonObject schemas;

    private OpenApiContract(JsonObject document)
    {
        this.document = document;
        schemas = document["components"]?["schemas"]?.AsObject() ?? [];
    }

    public static OpenApiContract Parse(string json) =>
        new(JsonNode.Parse(json)?.AsObject() ?? throw new ArgumentException("The OpenAPI document is not a JSON object.", nameof(json)));

    public JsonObject Schemas => schemas;

    /// <summary>Every operation in the document as "METHOD /path/{template}".</summary>
    public IReadOnlyList<string> Operations =>
        document["paths"]!.AsObject()
            .SelectMany(path => path.Value!.AsObject().Where(op => op.Key != "parameters").Select(op => $"{op.Key.ToUpperInvariant()} {path.Key}"))
            .Order(StringComparer.Ordinal)
            .ToList();

    /// <summary>The problems with <paramref name="body"/> as the response to <paramref name="operation"/> ("GET /api/v1/…") with <paramref name="status"/>; empty when it conforms.</summary>
    public IReadOnlyList<string> Check(string operation, int status, string body, string mediaType = "application/json")
    {
        var declared = ResponseSchema(operation, status, mediaType);
        var (method, path) = Split(operation);
        var contents = document["paths"]?[path]?[method]?["responses"]?[status.ToString(System.Globalization.CultureInfo.InvariantCulture)]?["content"];
        // A response declared without content is a download whose format the document does not describe.
        if (contents is not null && contents[mediaType] is null) return [$"{operation} declares no {mediaType} body for {status}."];
        JsonNode? instance;
        try
        {
            instance = JsonNode.Parse(body);
        }
        catch (System.Text.Json.JsonException e)
        {
            return [$"{operation} {status}: the body is not JSON ({e.Message})."];
        }
        // A media type declared without a schema (a file format specified elsewhere) is only required to be JSON.
        if (declared is null) return [];
        var problems = new List<string>();
        var results = JsonSchema.FromText(declared.ToJsonString()).Evaluate(instance, new EvaluationOptions { OutputFormat = OutputFormat.Hierarchical });
        if (!results.IsValid)
        {
            Failures(results, $"{operation} {status}", problems);
            if (problems.Count == 0) problems.Add($"{operation} {status}: the body does not match its schema.");
        }
        problems.AddRange(JsonBodyChecks.Check(instance, declared, declared["$defs"]!.AsObject()).Select(p => $"{operation} {status}: {p}"));
        return problems;
    }

    /// <summary>The problems with <paramref name="body"/> as the JSON request body of <paramref name="operation"/>; empty when it conforms (or none is declared).</summary>
    public IReadOnlyList<string> CheckRequest(string operation, string body)
    {
        var declared = RequestSchema(operation);
        if (declared is null) return [];
        var problems = new List<string>();
        var results = JsonSchema.FromText(declared.ToJsonString()).Evaluate(JsonNode.Parse(body), new EvaluationOptions { OutputFormat = OutputFormat.Hierarchical });
        if (!results.IsValid)
        {
            Failures(results, $"{operation} request", problems);
            if (problems.Count == 0) problems.Add($"{operation} request: the body does not match its schema.");
        }
        return problems;
    }

    /// <summary>The JSON request body schema of an operation, with the document's components as <c>$defs</c>.</summary>
    public JsonObject? RequestSchema(string operation)
    {
        var (method, path) = Split(operation);
        return document["paths"]?[path]?[method]?["requestBody"]?["content"]?["application/json"]?["schema"] is { } schema ? WithDefinitions(schema) : null;
    }

    /// <summary>The errors of failed evaluations, skipping those under one that passed (a oneOf's other branches).</summary>
    private static void Failures(EvaluationResults node, string where, List<string> problems)
    {
        if (node.IsValid) return;
        foreach (var (keyword, message) in node.Errors ?? new Dictionary<string, string>())
            problems.Add($"{where} at '{node.InstanceLocation}' ({node.EvaluationPath}): {keyword}: {message}");
        foreach (var child in node.Details ?? []) Failures(child, where, problems);
    }

    /// <summary>The response schema of an operation with the document's components as <c>$defs</c>, so it validates on its own.</summary>
    public JsonObject? ResponseSchema(string operation, int status, string mediaType = "application/json")
    {
        var (method, path) = Split(operation);
        var schema = document["paths"]?[path]?[method]?["responses"]?[status.ToString(System.Globalization.CultureInfo.InvariantCulture)]?["content"]?[mediaType]?["schema"];
        return schema is null ? null : WithDefinitions(schema);
    }

    /// <summary>A copy of <paramref name="schema"/> that validates on its own: the components as <c>$defs</c>, references pointed at them.</summary>
    private JsonObject WithDefinitions(JsonNode schema)
    {
        var root = Standalone(schema.DeepClone()).AsObject();
        root["$defs"] = Standalone(schemas.DeepClone());
        return root;
    }

    /// <summary>The statuses an operation declares.</summary>
    public IReadOnlyList<int> Statuses(string operation)
    {
        var (method, path) = Split(operation);
        return (document["paths"]?[path]?[method]?["responses"]?.AsObject() ?? [])
            .Select(r => int.TryParse(r.Key, out var s) ? s : 0).Where(s => s > 0).ToList();
    }

    /// <summary>The operation's object in the document.</summary>
    public JsonObject? Operation(string operation)
    {
        var (method, path) = Split(operation);
        return document["paths"]?[path]?[method]?.AsObject();
    }

    /// <summary>The security requirements of an operation, by scheme name.</summary>
    public IReadOnlyList<string> SecuritySchemesOf(string operation)
    {
        var (method, path) = Split(operation);
        return (document["paths"]?[path]?[method]?["security"]?.AsArray() ?? [])
            .SelectMany(r => r!.AsObject().Select(s => s.Key)).ToList();
    }

    public JsonObject? SecurityScheme(string name) => document["components"]?["securitySchemes"]?[name]?.AsObject();

    private static (string Method, string Path) Split(string operation)
    {
        var space = operation.IndexOf(' ', StringComparison.Ordinal);
        return (operation[..space].ToLowerInvariant(), operation[(space + 1)..]);
    }

    /// <summary>Points the document's component references at <c>$defs</c>.</summary>
    private static JsonNode Standalone(JsonNode node)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (key, value) in o.ToList())
                {
                    if (key == "$ref" && value?.GetValue<string>() is { } target && target.StartsWith(ComponentPrefix, StringComparison.Ordinal))
                        o["$ref"] = "#/$defs/" + target[ComponentPrefix.Length..];
                    else if (value is not null)
                        Standalone(value);
                }
                break;
            case JsonArray a:
                foreach (var item in a)
                    if (item is not null) Standalone(item);
                break;
        }
        return node;
    }
}
