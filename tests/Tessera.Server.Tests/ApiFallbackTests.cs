using System.Net;
using System.Text;
using System.Text.Json;
using Tessera.Testing;
using static Tessera.Server.Tests.AuthTestKit;

namespace Tessera.Server.Tests;

/// <summary>Requests under /api/v1 that no route takes: anonymous callers learn nothing, signed-in ones learn why.</summary>
public class ApiFallbackTests
{
    private static readonly string MalformedId = "/api/v1/jobs/not-a-uuid";

    private static async Task<JsonElement> ProblemOf(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
    }

    private static HttpRequestMessage Request(HttpMethod method, string path, HttpContent? content = null) =>
        new(method, new Uri(path, UriKind.Relative)) { Content = content };

    private static StringContent PlainText() => new("""{"kind":"system.noop"}""", Encoding.UTF8, "text/plain");

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task An_anonymous_caller_gets_401_for_every_request_no_route_takes(string dialect)
    {
        await using var app = await TesseraAppFactory.CreateAsync(dialect);
        var anonymous = app.CreateClient();
        // What a real route answers without a token: the fallback must answer the same, byte for byte.
        using var real = await anonymous.GetAsync(new Uri("/api/v1/me", UriKind.Relative));
        var expected = await real.Content.ReadAsStringAsync();
        foreach (var request in new[]
        {
            Request(HttpMethod.Get, "/api/v1/no/such/route"), Request(HttpMethod.Get, MalformedId),
            Request(HttpMethod.Delete, "/api/v1/me"), Request(HttpMethod.Post, "/api/v1/jobs", PlainText()),
        })
        {
            using var response = await anonymous.SendAsync(request);
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{request.Method} {request.RequestUri}: {(int)response.StatusCode}");
            Assert.Equal(expected, await response.Content.ReadAsStringAsync());
            Assert.Equal(real.Headers.WwwAuthenticate.ToString(), response.Headers.WwwAuthenticate.ToString());
        }
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task A_signed_in_caller_learns_why_no_route_took_the_request(string dialect)
    {
        await using var app = await TesseraAppFactory.CreateAsync(dialect);
        var (client, _, _, _) = await SignInAsync(app, "alice@example.com", "lab");

        using var unknown = await client.SendAsync(Request(HttpMethod.Get, "/api/v1/no/such/route"));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("RESOURCE_NOT_FOUND", (await ProblemOf(unknown)).GetProperty("code").GetString());

        using var malformed = await client.SendAsync(Request(HttpMethod.Get, MalformedId));
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        var invalid = await ProblemOf(malformed);
        Assert.Equal("VALIDATION_FAILED", invalid.GetProperty("code").GetString());
        Assert.Contains("'id'", invalid.GetProperty("detail").GetString(), StringComparison.Ordinal);

        using var wrongMethod = await client.SendAsync(Request(HttpMethod.Delete, "/api/v1/me"));
        Assert.Equal(HttpStatusCode.MethodNotAllowed, wrongMethod.StatusCode);
        Assert.Equal(["GET"], wrongMethod.Content.Headers.Allow);
        Assert.Equal("METHOD_NOT_ALLOWED", (await ProblemOf(wrongMethod)).GetProperty("code").GetString());

        using var notJson = await client.SendAsync(Request(HttpMethod.Post, "/api/v1/jobs", PlainText()));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, notJson.StatusCode);
        var unsupported = await ProblemOf(notJson);
        Assert.Equal("UNSUPPORTED_MEDIA_TYPE", unsupported.GetProperty("code").GetString());
        Assert.Contains("application/json", unsupported.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }
}
