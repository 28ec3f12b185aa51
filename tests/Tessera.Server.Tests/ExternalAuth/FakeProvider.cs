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
/// issuer or key). Each issuer is a path: <c>sound</c>, <c>plain-http-token-endpoint</c>, <c>script-sign-out</c>.
/// </summary>
internal sealed class FakeProvider : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly string _root;
    private readonly RSA _key = RSA.Create(2048);
    private readonly string _keyId = Guid.NewGuid().ToString("N");

    private FakeProvider(int port)
    {
        _root = $"http://127.0.0.1:{port}";
        _listener.Prefixes.Add(_root + "/");
        _listener.Start();
        _ = ServeAsync();
    }

    /// <summary>What the token endpoint answers to the next code exchange.</summary>
    public string? NextIdToken { get; set; }

    public static FakeProvider Start() => new(FreePort());

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
            var path = context.Request.Url!.AbsolutePath;
            var name = path.Split('/', StringSplitOptions.RemoveEmptyEntries)[0];
            var body = path[(name.Length + 1)..] switch
            {
                "/jwks" => JsonSerializer.Serialize(new { keys = new[] { PublicKey() } }),
                "/token" => JsonSerializer.Serialize(new { id_token = NextIdToken, token_type = "Bearer", access_token = "opaque" }),
                _ => Document(Issuer(name), name),
            };
            var bytes = Encoding.UTF8.GetBytes(body);
            context.Response.ContentType = "application/json";
            await context.Response.OutputStream.WriteAsync(bytes);
            context.Response.Close();
        }
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
