using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;

namespace Tessera.Testing;

/// <summary>
/// A real OpenID provider (the npm package oidc-provider, tests/oidc-provider/server.mjs) run with <c>node</c> on a free
/// loopback port, ready once its discovery document answers. Each test user (alice, bob, carol, dave, erin, frank) gets
/// signed JWT access tokens through the client_credentials grant; their claims and the provider's signing key are
/// changed through the script's /test endpoints. Installs the script's packages (npm ci) when they are missing.
/// </summary>
public sealed class OidcTestProvider : IAsyncDisposable
{
    public const string ClientSecret = "test-secret-for-every-user-client";

    private static readonly SemaphoreSlim Installing = new(1, 1);
    private static string Folder => Path.Combine(RepoPaths.Root, "tests", "oidc-provider");

    private readonly Process _node;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };

    private OidcTestProvider(Process node, string issuer)
    {
        _node = node;
        Issuer = issuer;
    }

    /// <summary>The issuer, <c>http://127.0.0.1:PORT</c>, exactly as its tokens' <c>iss</c> reads.</summary>
    public string Issuer { get; }

    public static async Task<OidcTestProvider> StartAsync()
    {
        await EnsureInstalledAsync();
        var start = new ProcessStartInfo("node", ["server.mjs", "0"]) { WorkingDirectory = Folder, RedirectStandardOutput = true, RedirectStandardError = true };
        var node = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
        var stderr = node.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        string? line;
        while ((line = await node.StandardOutput.ReadLineAsync(timeout.Token)) is not null && !line.StartsWith("listening ", StringComparison.Ordinal))
        {
        }
        if (line is null) throw new InvalidOperationException("The OpenID provider exited: " + await stderr);
        var provider = new OidcTestProvider(node, line["listening ".Length..].Trim());
        using var discovery = await provider._http.GetAsync(new Uri(provider.Issuer + "/.well-known/openid-configuration"), timeout.Token);
        discovery.EnsureSuccessStatusCode();
        return provider;
    }

    /// <summary>A signed JWT access token for <paramref name="user"/> whose audience is <paramref name="resource"/>.</summary>
    public async Task<string> AccessTokenAsync(string user, string resource)
    {
        using var response = await _http.PostAsync(new Uri(Issuer + "/token"), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = user,
            ["client_secret"] = ClientSecret,
            ["resource"] = resource,
        }));
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"Token request failed ({(int)response.StatusCode}): {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("access_token").GetString()!;
    }

    /// <summary>
    /// A JWT shaped like the ID token a browser sign-in gets (signed with the provider's key, <paramref name="user"/>'s
    /// claims, <paramref name="nonce"/> when given), without the browser round trip.
    /// </summary>
    public async Task<string> IdTokenAsync(string user, string audience, string? nonce)
    {
        using var response = await _http.PostAsJsonAsync(new Uri(Issuer + "/test/id-tokens"), new { sub = user, aud = audience, nonce });
        response.EnsureSuccessStatusCode();
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("id_token").GetString()!;
    }

    /// <summary>Changes what the provider says about <paramref name="user"/> from the next token on (email, email_verified, name, groups, ttl in seconds).</summary>
    public async Task SetAccountAsync(string user, object claims)
    {
        using var response = await _http.PostAsJsonAsync(new Uri($"{Issuer}/test/accounts/{user}"), claims);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>
    /// Registers an authorization-code client for browser sign-in: <paramref name="redirectUri"/> is where the provider
    /// sends the code, <paramref name="postLogoutRedirectUri"/> where it sends the browser after RP-initiated logout.
    /// </summary>
    public async Task RegisterWebClientAsync(string clientId, string clientSecret, Uri redirectUri, Uri postLogoutRedirectUri)
    {
        using var response = await _http.PostAsJsonAsync(new Uri(Issuer + "/test/web-clients"), new Dictionary<string, object>
        {
            ["client_id"] = clientId,
            ["client_secret"] = clientSecret,
            ["redirect_uris"] = new[] { redirectUri.AbsoluteUri },
            ["post_logout_redirect_uris"] = new[] { postLogoutRedirectUri.AbsoluteUri },
        });
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Signs with a fresh key from now on (the old one stays published); returns the new key id.</summary>
    public async Task<string> RotateKeysAsync()
    {
        using var response = await _http.PostAsync(new Uri(Issuer + "/test/rotate"), null);
        response.EnsureSuccessStatusCode();
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("kid").GetString()!;
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        if (!_node.HasExited)
        {
            _node.Kill(entireProcessTree: true);
            await _node.WaitForExitAsync();
        }
        _node.Dispose();
    }

    private static async Task EnsureInstalledAsync()
    {
        await Installing.WaitAsync();
        try
        {
            if (Directory.Exists(Path.Combine(Folder, "node_modules", "oidc-provider"))) return;
            var npm = Process.Start(new ProcessStartInfo("npm", ["ci", "--no-audit", "--no-fund"]) { WorkingDirectory = Folder, RedirectStandardOutput = true, RedirectStandardError = true })
                ?? throw new InvalidOperationException("npm did not start");
            var output = npm.StandardOutput.ReadToEndAsync();
            var errors = npm.StandardError.ReadToEndAsync();
            await npm.WaitForExitAsync();
            if (npm.ExitCode != 0) throw new InvalidOperationException($"npm ci in {Folder} failed: {await output}{await errors}");
        }
        finally
        {
            Installing.Release();
        }
    }
}
