using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Tessera.Testing;
using Tessera.Testing.Contracts;
using static Tessera.Server.Tests.AuthTestKit;

namespace Tessera.Server.Tests;

/// <summary>The OpenAPI document itself: what a client generator needs to produce a usable client.</summary>
public class OpenApiDocumentTests
{
    /// <summary>Framework types that keep their own names.</summary>
    private static readonly string[] FrameworkSchemas = ["ProblemDetails", "HttpValidationProblemDetails", "JsonNode"];

    /// <summary>What a Tessera schema name starts with: a module, or an area of the platform.</summary>
    private static readonly string[] SchemaPrefixes = ["Omics", "Job", "Auth", "Identity", "Embedders", "Traces", "Cards", "Chem", "Guides"];

    internal static async Task<OpenApiContract> DocumentAsync(HttpClient client)
    {
        var response = await client.GetAsync(new Uri("/openapi/v1.json", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return OpenApiContract.Parse(await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Every_object_schema_declares_its_properties_and_every_number_is_typed_exactly()
    {
        await using var app = await TesseraAppFactory.CreateAsync("sqlite");
        var contract = await DocumentAsync(app.CreateClient());

        var problems = new List<string>();
        foreach (var (name, schema) in contract.Schemas) Inspect(schema, name, problems);
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public async Task Schema_names_are_unique_per_module_and_operations_are_named()
    {
        await using var app = await TesseraAppFactory.CreateAsync("sqlite");
        var contract = await DocumentAsync(app.CreateClient());

        var unprefixed = contract.Schemas.Select(s => s.Key)
            .Where(n => !FrameworkSchemas.Contains(n) && !SchemaPrefixes.Any(p => n.StartsWith(p, StringComparison.Ordinal)))
            .ToList();
        Assert.True(unprefixed.Count == 0, "schemas without a module prefix: " + string.Join(", ", unprefixed));

        var ids = contract.Operations.Select(o => (Operation: o, Id: contract.Operation(o)!["operationId"]?.GetValue<string>())).ToList();
        Assert.Empty(ids.Where(o => string.IsNullOrEmpty(o.Id)).Select(o => o.Operation));
        Assert.Equal(ids.Count, ids.Select(o => o.Id).Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public async Task Routes_that_need_a_token_say_so_and_list_their_problem_responses()
    {
        await using var app = await TesseraAppFactory.CreateAsync("sqlite");
        var contract = await DocumentAsync(app.CreateClient());

        var bearer = contract.SecurityScheme("Bearer");
        Assert.NotNull(bearer);
        Assert.Equal("http", bearer["type"]!.GetValue<string>());
        Assert.Equal("bearer", bearer["scheme"]!.GetValue<string>());
        string[] anonymous = ["POST /api/v1/auth/login", "GET /api/v1/blobs/{sha256}", "GET /api/v1/traces/files/{name}", "POST /api/v1/guides/internal/jobs/{jobId}/status",
            "GET /api/v1/guides/exports/{exportId}/download"];
        foreach (var operation in contract.Operations)
        {
            var secured = contract.SecuritySchemesOf(operation).Contains("Bearer");
            Assert.True(secured != anonymous.Contains(operation), $"{operation}: secured={secured}");
            if (secured) Assert.Contains(401, contract.Statuses(operation));
            Assert.True(contract.Statuses(operation).Any(s => s is >= 400 and < 500), $"{operation} lists no 4xx response");
        }
    }

    [Fact]
    public async Task The_upload_describes_its_multipart_fields()
    {
        await using var app = await TesseraAppFactory.CreateAsync("sqlite");
        var contract = await DocumentAsync(app.CreateClient());

        var schema = contract.Operation("POST /api/v1/omics/runs")!["requestBody"]?["content"]?["multipart/form-data"]?["schema"];
        Assert.NotNull(schema);
        var form = Resolve(contract, schema);
        var properties = form["properties"]!.AsObject();
        Assert.Equal(["embedder", "file", "name"], properties.Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.Equal("binary", Resolve(contract, properties["file"]!)["format"]!.GetValue<string>());
        Assert.Contains("file", form["required"]!.AsArray().Select(r => r!.GetValue<string>()));
    }

    [Fact]
    public async Task The_search_request_says_it_takes_exactly_one_of_a_sequence_and_a_peptide()
    {
        await using var app = await TesseraAppFactory.CreateAsync("sqlite");
        var contract = await DocumentAsync(app.CreateClient());
        const string search = "POST /api/v1/omics/search";
        var peptide = Guid.NewGuid();

        Assert.Empty(contract.CheckRequest(search, """{"sequence":"KLAKLAK"}"""));
        Assert.Empty(contract.CheckRequest(search, $$"""{"peptide_id":"{{peptide}}","k":3}"""));
        Assert.Empty(contract.CheckRequest(search, $$"""{"sequence":null,"peptide_id":"{{peptide}}"}"""));
        Assert.NotEmpty(contract.CheckRequest(search, $$"""{"sequence":"KLAKLAK","peptide_id":"{{peptide}}"}"""));
        Assert.NotEmpty(contract.CheckRequest(search, """{"sequence":null,"peptide_id":null}"""));
        Assert.NotEmpty(contract.CheckRequest(search, """{"k":3}"""));
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task A_number_sent_as_a_string_is_refused(string dialect)
    {
        await using var app = await TesseraAppFactory.CreateAsync(dialect);
        var (client, _, _, _) = await SignInAsync(app, "strict@example.org", "strict");

        var search = await client.PostAsync(new Uri("/api/v1/omics/search", UriKind.Relative),
            new StringContent("""{"sequence":"KLAKLAK","k":"5"}""", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, search.StatusCode);

        var token = await client.PostAsJsonAsync("/api/v1/tokens", JsonNode.Parse("""{"name":"t","expires_in_days":"5"}"""));
        Assert.Equal(HttpStatusCode.BadRequest, token.StatusCode);
    }

    private static JsonNode Resolve(OpenApiContract contract, JsonNode schema) =>
        schema["$ref"] is { } reference ? contract.Schemas[reference.GetValue<string>().Split('/')[^1]]! : schema;

    private static void Inspect(JsonNode? node, string path, List<string> problems)
    {
        switch (node)
        {
            case JsonObject schema:
                var types = schema["type"] switch
                {
                    JsonArray many => many.Select(t => t!.GetValue<string>()).ToList(),
                    JsonValue one => [one.GetValue<string>()],
                    _ => [],
                };
                if (types.Contains("object") && schema["properties"] is null && schema["additionalProperties"] is null)
                    problems.Add($"{path}: an object schema without properties or additionalProperties");
                // What NumberHandling.AllowReadingFromString writes: a number that also admits its digits as a string.
                if (types.Contains("string") && (types.Contains("integer") || (types.Contains("number") && schema["format"] is not null)))
                    problems.Add($"{path}: a number that may also be a string ({string.Join(", ", types)})");
                foreach (var (key, value) in schema) Inspect(value, $"{path}/{key}", problems);
                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++) Inspect(array[i], $"{path}/{i}", problems);
                break;
        }
    }
}
