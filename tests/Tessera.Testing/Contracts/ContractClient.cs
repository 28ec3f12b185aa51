using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace Tessera.Testing.Contracts;

/// <summary>
/// Sends requests as a client would and holds every response to the OpenAPI document: its status must be one the
/// operation declares, and a JSON body must validate against the schema declared for that status. Remembers which
/// operations it exercised, so a test can prove it covered the routes it claims.
/// </summary>
public sealed class ContractClient(HttpClient client, OpenApiContract contract)
{
    private static readonly string[] JsonMediaTypes = ["application/json", "application/problem+json"];
    private readonly ConcurrentDictionary<string, byte> exercised = new(StringComparer.Ordinal);

    public HttpClient Http => client;

    public OpenApiContract Contract => contract;

    /// <summary>Operations ("GET /api/v1/…") called through this client so far.</summary>
    public IReadOnlyCollection<string> Exercised => exercised.Keys.ToList();

    /// <summary>
    /// Sends <paramref name="operation"/> ("POST /api/v1/jobs/{id}/cancel") to the concrete <paramref name="path"/> and
    /// checks the response; <paramref name="expected"/> is the status the test expects, and any other fails the call.
    /// </summary>
    public async Task<ContractResponse> SendAsync(string operation, string path, int expected, HttpContent? content = null)
    {
        ArgumentNullException.ThrowIfNull(operation);
        var method = new HttpMethod(operation[..operation.IndexOf(' ', StringComparison.Ordinal)]);
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative)) { Content = content };
        using var response = await client.SendAsync(request).ConfigureAwait(false);
        var status = (int)response.StatusCode;
        var body = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
        var mediaType = response.Content.Headers.ContentType?.MediaType;
        Assert.True(status == expected, $"{operation} at {path}: expected {expected}, got {status}: {body}");
        var declared = contract.Statuses(operation);
        Assert.True(declared.Contains(status), $"{operation} answered {status}, which the document does not declare ({string.Join(", ", declared)}).");
        exercised.TryAdd(operation, 0);
        if (status is >= 200 and < 300 && content?.Headers.ContentType?.MediaType == "application/json")
        {
            // What the server accepts, its document must admit: else a client validating against it cannot send it.
            var refused = contract.CheckRequest(operation, await content.ReadAsStringAsync().ConfigureAwait(false));
            Assert.True(refused.Count == 0, $"{operation} at {path} accepted ({status}) a body its request schema refuses:\n{string.Join("\n", refused)}");
        }

        JsonNode? json = null;
        if (mediaType is not null && JsonMediaTypes.Contains(mediaType))
        {
            var problems = contract.Check(operation, status, body, mediaType);
            Assert.True(problems.Count == 0, $"{operation} at {path} ({status}) breaks its contract:\n{string.Join("\n", problems)}\nbody: {body}");
            json = JsonNode.Parse(body);
        }
        else if (status == 204)
        {
            Assert.True(body.Length == 0, $"{operation} answered 204 with a body: {body}");
        }
        return new ContractResponse(status, mediaType, body, json);
    }

    public Task<ContractResponse> SendJsonAsync(string operation, string path, int expected, string json) =>
        SendAsync(operation, path, expected, new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

    public Task<ContractResponse> GetAsync(string operation, string path, int expected = 200) => SendAsync(operation, path, expected);
}

/// <summary>A checked response; <see cref="Json"/> is the parsed body when it is JSON.</summary>
public sealed record ContractResponse(int Status, string? MediaType, string Body, JsonNode? Json)
{
    public JsonNode Value => Json ?? throw new InvalidOperationException($"The response ({Status}, {MediaType}) has no JSON body: {Body}");

    public string Id => Value["id"]!.GetValue<string>();
}
