using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Tessera.Testing;

namespace Tessera.Server.Tests.ExternalAuth;

/// <summary>An app with no clock skew (so a token expires when it says) that may reach providers on loopback, an organization's provider added through the API, and clients holding provider tokens.</summary>
internal static class ExternalAuthKit
{
    public const string Audience = "https://tessera.test/api";

    /// <summary>The app; <paramref name="privateNetworkProviders"/> lets it reach the test provider, which listens on loopback.</summary>
    public static Task<TesseraAppFactory> CreateAppAsync(string dialect, bool privateNetworkProviders = true) =>
        TesseraAppFactory.CreateAsync(dialect, settings: new Dictionary<string, string?>
        {
            ["auth:clock_skew_seconds"] = "0",
            ["auth:allow_private_network_providers"] = privateNetworkProviders ? "true" : "false",
        });

    /// <summary>The provider as an organization admin adds it: groups map to roles, users of example.com are created just in time.</summary>
    public static object ProviderBody(OidcTestProvider provider, string name = "corporate", bool allowJit = true, string? secret = "s3cret-client-secret") => new
    {
        name,
        issuer = provider.Issuer,
        client_id = "tessera",
        client_secret = secret,
        audience = Audience,
        allowed_email_domains = new[] { "example.com" },
        role_mappings = new Dictionary<string, string> { ["tessera-admins"] = "admin", ["tessera-users"] = "member", ["tessera-readers"] = "viewer" },
        allow_jit = allowJit,
    };

    public static async Task<JsonElement> AddProviderAsync(HttpClient admin, Guid orgId, object body)
    {
        var response = await admin.PostAsJsonAsync(new Uri($"/api/v1/orgs/{orgId}/identity-providers", UriKind.Relative), body);
        var json = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, json);
        return JsonDocument.Parse(json).RootElement;
    }

    public static HttpClient Holding(TesseraAppFactory app, string token)
    {
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public static async Task<HttpClient> ClientOfAsync(TesseraAppFactory app, OidcTestProvider provider, string user, string resource = Audience) =>
        Holding(app, await provider.AccessTokenAsync(user, resource));

    /// <summary>The caller's role in <paramref name="org"/> as GET /orgs shows it, or the refusal's code.</summary>
    public static async Task<string?> RoleOrCodeAsync(HttpClient client, string org)
    {
        var response = await client.GetAsync(new Uri("/api/v1/orgs", UriKind.Relative));
        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        if (!response.IsSuccessStatusCode) return json.GetProperty("code").GetString();
        return json.EnumerateArray().SingleOrDefault(o => o.GetProperty("name").GetString() == org) is { ValueKind: JsonValueKind.Object } found
            ? found.GetProperty("role").GetString()
            : null;
    }

    public static async Task<List<string>> AuditDetailsAsync(TesseraAppFactory app, string action)
    {
        await using var connection = await app.Database.Database.OpenConnectionAsync();
        return (await connection.QueryAsync<string>("SELECT detail FROM audit_log WHERE action = @action ORDER BY occurred_at", new { action })).ToList();
    }
}
