using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Tessera.Server.Tests.ExternalAuth;

/// <summary>
/// A hand-made provider on loopback, for what a real one never does: discovery documents naming endpoints that must not
/// be followed, and a token endpoint that answers any code with the ID token a test chose (a wrong nonce, audience,
/// issuer or key). Each issuer is a path: <c>sound</c>, <c>plain-http-token-endpoint</c>, <c>script-sign-out</c>,
/// <c>not-json</c> (an HTML page where the document should be) and <c>moved</c> (a redirect to the sound document).
/// </summary>
internal sealed class FakeProvider : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly string _root;
    private readonly RSA _key = RSA.Create(2048);
    private readonly string _keyId = Guid.NewGuid().ToString("N");

    private readonly ConcurrentDictionary<string, int> _discoveryRequests = new(StringComparer.Ordinal);

    private FakeProvider()
    {
        // A free port may be taken between finding it and binding it: try another.
        for (var attempt = 1; ; attempt++)
        {
            _root = $"http://127.0.0.1:{FreePort()}";
            _listener.Prefixes.Add(_root + "/");
            try
            {
                _listener.Start();
                break;
            }
            catch (HttpListenerException) when (attempt < 5)
            {
                _listener.Prefixes.Clear();
            }
        }
        _ = ServeAsync();
    }

    /// <summary>What the token endpoint answers to the next code exchange.</summary>
    public string? NextIdToken { get; set; }

    public static FakeProvider Start() => new();

    /// <summary>How many times the discovery document of issuer <paramref name="name"/> was asked for.</summary>
    public int DiscoveryRequests(string name) => _discoveryRequests.GetValueOrDefault(name);

    public string Issuer(string name) => $"{_root}/{name}";

    /// <summary>A JWT with <paramref name="claims"/>, signed with the published key or (<paramref name="ownKey"/> false) with a stranger's.</summary>
    public string Sign(Dictionary<string, object> claims, bool ownKey = true)
    {
        using var stranger = RSA.Create(2048);
        var key = new RsaSecurityKey(ownKey ? _key : stranger) { KeyId = ownKey ? _keyId : Guid.NewGuid().ToString("N") };
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(
            JsonSerializer.Serialize(claims), new SigningCredentials(key, SecurityAlgorithms.RsaSha256));
    }

    public void Dispose()
    {
        _listener.Close();
        _key.Dispose();
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
            {
                return;
            }
            try
            {
                await AnswerAsync(context);
            }
            catch (Exception e) when (e is HttpListenerException or IOException or ObjectDisposedException)
            {
                // The client went away: serve the next request.
            }
        }
    }

    private async Task AnswerAsync(HttpListenerContext context)
    {
        var path = context.Request.Url!.AbsolutePath;
        var name = path.Split('/', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? "";
        var rest = path[Math.Min(path.Length, name.Length + 1)..];
        if (rest == "/.well-known/openid-configuration") _discoveryRequests.AddOrUpdate(name, 1, (_, n) => n + 1);
        if (name == "moved")
        {
            context.Response.Redirect(Issuer("sound") + rest);
            context.Response.Close();
            return;
        }
        var (type, body) = rest switch
        {
            "/jwks" => ("application/json", JsonSerializer.Serialize(new { keys = new[] { PublicKey() } })),
            "/token" => ("application/json", JsonSerializer.Serialize(new { id_token = NextIdToken, token_type = "Bearer", access_token = "opaque" })),
            _ when name == "not-json" => ("text/html", "<html><body>Sign in to continue</body></html>"),
            _ => ("application/json", Document(Issuer(name), name)),
        };
        var bytes = Encoding.UTF8.GetBytes(body);
        context.Response.ContentType = type;
        await context.Response.OutputStream.WriteAsync(bytes);
        context.Response.Close();
    }

    private Dictionary<string, string> PublicKey()
    {
        var parameters = _key.ExportParameters(includePrivateParameters: false);
        return new()
        {
            ["kty"] = "RSA",
            ["use"] = "sig",
            ["alg"] = "RS256",
            ["kid"] = _keyId,
            ["n"] = Base64UrlEncoder.Encode(parameters.Modulus),
            ["e"] = Base64UrlEncoder.Encode(parameters.Exponent),
        };
    }

    private static string Document(string issuer, string name) => JsonSerializer.Serialize(new Dictionary<string, string>
    {
        ["issuer"] = issuer,
        ["authorization_endpoint"] = issuer + "/auth",
        ["token_endpoint"] = name == "plain-http-token-endpoint" ? "http://idp.example.com/token" : issuer + "/token",
        ["jwks_uri"] = issuer + "/jwks",
        ["end_session_endpoint"] = name == "script-sign-out" ? "javascript:alert(1)" : issuer + "/logout",
    });

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
