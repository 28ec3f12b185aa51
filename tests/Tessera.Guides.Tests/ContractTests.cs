using System.Text.Json.Nodes;
using Tessera.Testing;

namespace Tessera.Guides.Tests;

/// <summary>
/// src/Tessera.Guides/spec/openapi.json is the contract: the served document has exactly its Guides paths, methods and
/// statuses, and each success answers a schema with the same properties and required ones.
/// </summary>
public class ContractTests
{
    [Fact]
    public async Task The_served_document_agrees_with_the_contract()
    {
        var spec = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(RepoPaths.Root, "src/Tessera.Guides/spec/openapi.json")))!;
        await using var app = await TesseraAppFactory.CreateAsync("sqlite");
        var served = JsonNode.Parse(await app.CreateClient().GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative)))!;

        var (contract, server) = (Operations(spec), Operations(served));
        Assert.True(contract.SetEquals(server),
            $"only in the contract: {string.Join("; ", contract.Except(server))}; only served: {string.Join("; ", server.Except(contract))}");
        foreach (var (path, methods) in spec["paths"]!.AsObject())
        {
            foreach (var (method, operation) in methods!.AsObject())
            {
                var theirs = served["paths"]![path]![method]!;
                Assert.Equal(operation!["operationId"]!.GetValue<string>(), theirs["operationId"]!.GetValue<string>());
                foreach (var (status, response) in operation["responses"]!.AsObject().Where(r => r.Key.StartsWith('2')))
                {
                    var mine = Shape(spec, response!["content"]?["application/json"]?["schema"]);
                    var shown = Shape(served, theirs["responses"]![status]!["content"]?["application/json"]?["schema"]);
                    Assert.True(mine == shown, $"{method.ToUpperInvariant()} {path} {status}: the contract says {mine}, the server {shown}.");
                }
            }
        }
    }

    private static SortedSet<string> Operations(JsonNode document)
    {
        var found = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var (path, methods) in document["paths"]!.AsObject().Where(p => p.Key.StartsWith("/api/v1/guides/", StringComparison.Ordinal)))
            foreach (var (method, operation) in methods!.AsObject())
                found.Add($"{method.ToUpperInvariant()} {path} " + string.Join(",", operation!["responses"]!.AsObject().Select(r => r.Key).Order(StringComparer.Ordinal)));
        return found;
    }

    /// <summary>A schema as properties and required ones ("[…]" for an array of it), following $ref; "none" for no body.</summary>
    private static string Shape(JsonNode document, JsonNode? schema)
    {
        if (schema is null) return "none";
        if (schema["type"]?.GetValue<string>() == "array") return "[" + Shape(document, schema["items"]) + "]";
        if (schema["$ref"]?.GetValue<string>() is { } reference) schema = document["components"]!["schemas"]![reference.Split('/')[^1]]!;
        IEnumerable<string> properties = schema["properties"]?.AsObject().Select(p => p.Key).Order(StringComparer.Ordinal) ?? Enumerable.Empty<string>();
        IEnumerable<string> required = schema["required"]?.AsArray().Select(r => r!.GetValue<string>()).Order(StringComparer.Ordinal) ?? Enumerable.Empty<string>();
        return $"{{{string.Join(",", properties)} | required {string.Join(",", required)}}}";
    }
}
