using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.WebUtilities;
using Tessera.Testing;
using static Tessera.Server.Tests.AuthTestKit;
using static Tessera.Server.Tests.ExternalAuth.ExternalAuthKit;

namespace Tessera.Server.Tests.ExternalAuth;

/// <summary>
/// The web sign-in's two routes over HTTP, without a browser: what the start sends to the provider, and how the callback
/// refuses (always back to the sign-in page with a code, never an error page). The whole flow in chromium is in
/// Tessera.Web.Tests (ProviderSignInTests).
/// </summary>
public class ProviderSignInRouteTests
{
    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task The_start_sends_the_browser_to_the_discovered_authorization_endpoint_with_pkce_state_and_nonce_kept_in_a_protected_cookie(string dialect)
    {
        await using var provider = await OidcTestProvider.StartAsync();
        await using var app = await CreateAppAsync(dialect);
        var (owner, _, _, orgId) = await SignInAsync(app, "owner@acme.test", "acme", "owner");
        var providerId = (await AddProviderAsync(owner, orgId, ProviderBody(provider))).GetProperty("id").GetGuid();
        using var browser = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        using var start = await browser.GetAsync(new Uri($"/signin/provider/{providerId}?return_url=%2Fjobs", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Redirect, start.StatusCode);
        var location = start.Headers.Location!;
        Assert.Equal(provider.Issuer + "/auth", location.GetLeftPart(UriPartial.Path));
        var query = QueryHelpers.ParseQuery(location.Query);
        Assert.Equal("code", query["response_type"]);
        Assert.Equal("tessera", query["client_id"]);
        Assert.Equal("http://localhost/signin/provider/callback", query["redirect_uri"]);
        Assert.Equal("openid email profile", query["scope"]);
        Assert.Equal("S256", query["code_challenge_method"]);
        Assert.Equal(43, query["code_challenge"].ToString().Length);
        Assert.Equal(43, query["state"].ToString().Length);
        Assert.Equal(43, query["nonce"].ToString().Length);
        var cookie = Assert.Single(start.Headers.GetValues("Set-Cookie"));
        Assert.StartsWith("tessera_signin_pending=", cookie, StringComparison.Ordinal);
        Assert.Contains("path=/signin/provider", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", cookie, StringComparison.OrdinalIgnoreCase);
        // The cookie is opaque: the state, nonce and verifier cannot be read from it.
        Assert.DoesNotContain(query["state"].ToString(), cookie, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task A_callback_without_its_pending_sign_in_or_with_the_providers_error_lands_on_the_sign_in_page_with_a_code(string dialect)
    {
        await using var provider = await OidcTestProvider.StartAsync();
        await using var app = await CreateAppAsync(dialect);
        var (owner, _, _, orgId) = await SignInAsync(app, "owner@acme.test", "acme", "owner");
        var providerId = (await AddProviderAsync(owner, orgId, ProviderBody(provider))).GetProperty("id").GetGuid();
        using var browser = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        Assert.Equal("/signin?error=SIGNIN_STATE_INVALID", await CallbackAsync(browser, "code=abc&state=anything"));

        var state = await StartAsync(browser, providerId);
        Assert.Equal("/signin?error=SIGNIN_STATE_INVALID", await CallbackAsync(browser, "code=abc&state=not-" + state));
        // That callback used the pending sign-in up: the right state no longer helps.
        Assert.Equal("/signin?error=SIGNIN_STATE_INVALID", await CallbackAsync(browser, $"code=abc&state={state}"));

        state = await StartAsync(browser, providerId);
        Assert.Equal("/signin?error=SIGNIN_DENIED", await CallbackAsync(browser, $"error=access_denied&state={state}"));
        state = await StartAsync(browser, providerId);
        Assert.Equal("/signin?error=SIGNIN_PROVIDER_ERROR", await CallbackAsync(browser, $"error=server_error&state={state}"));
        // A code the provider never issued: the exchange is refused.
        state = await StartAsync(browser, providerId);
        Assert.Equal("/signin?error=SIGNIN_PROVIDER_ERROR", await CallbackAsync(browser, $"code=forged-code&state={state}"));
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task Starting_with_a_removed_or_unreachable_provider_says_so_on_the_sign_in_page(string dialect)
    {
        await using var provider = await OidcTestProvider.StartAsync();
        await using var app = await CreateAppAsync(dialect);
        var (owner, _, _, orgId) = await SignInAsync(app, "owner@acme.test", "acme", "owner");
        var unreachable = new { name = "gone", issuer = "http://127.0.0.1:9", client_id = "tessera-gone" };
        var unreachableId = (await AddProviderAsync(owner, orgId, unreachable)).GetProperty("id").GetGuid();
        using var browser = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        Assert.Equal("/signin?error=SIGNIN_PROVIDER_UNKNOWN", (await browser.GetAsync(new Uri($"/signin/provider/{Guid.CreateVersion7()}", UriKind.Relative))).Headers.Location!.OriginalString);
        Assert.Equal("/signin?error=SIGNIN_PROVIDER_UNAVAILABLE", (await browser.GetAsync(new Uri($"/signin/provider/{unreachableId}", UriKind.Relative))).Headers.Location!.OriginalString);
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task The_callback_takes_only_an_id_token_the_provider_signed_for_this_client_and_this_sign_in(string dialect)
    {
        using var idp = FakeProvider.Start();
        await using var app = await CreateAppAsync(dialect);
        var (owner, _, _, orgId) = await SignInAsync(app, "owner@acme.test", "acme", "owner");
        var issuer = idp.Issuer("sound");
        var body = new { name = "fake", issuer, client_id = "tessera", client_secret = "s3cret", allowed_email_domains = new[] { "example.com" }, default_role = "member", allow_jit = true };
        var providerId = (await AddProviderAsync(owner, orgId, body)).GetProperty("id").GetGuid();
        using var browser = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        Dictionary<string, object> Claims(string? nonce, object? audience = null, string? azp = null, string? iss = null, long? exp = null)
        {
            var claims = new Dictionary<string, object>
            {
                ["iss"] = iss ?? issuer, ["sub"] = "u-1", ["aud"] = audience ?? "tessera", ["iat"] = now, ["exp"] = exp ?? now + 300,
                ["email"] = "pat@example.com", ["email_verified"] = true,
            };
            if (nonce is not null) claims["nonce"] = nonce;
            if (azp is not null) claims["azp"] = azp;
            return claims;
        }
        // Each sign-in starts afresh; the provider then answers the code with the ID token the case makes from the sign-in's nonce.
        async Task<string> SignInWithAsync(Func<string, Dictionary<string, object>> idToken, bool publishedKey = true)
        {
            using var start = await browser.GetAsync(new Uri($"/signin/provider/{providerId}", UriKind.Relative));
            var query = QueryHelpers.ParseQuery(start.Headers.Location!.Query);
            idp.NextIdToken = idp.Sign(idToken(query["nonce"].ToString()), publishedKey);
            return await CallbackAsync(browser, $"code=any&state={query["state"]}");
        }

        const string Refused = "/signin?error=SIGNIN_TOKEN_INVALID";
        Assert.Equal(Refused, await SignInWithAsync(_ => Claims(nonce: "another-sign-ins-nonce")));
        Assert.Equal(Refused, await SignInWithAsync(_ => Claims(nonce: null)));
        Assert.Equal(Refused, await SignInWithAsync(n => Claims(n, audience: "another-client")));
        Assert.Equal(Refused, await SignInWithAsync(n => Claims(n, iss: issuer + "-elsewhere")));
        Assert.Equal(Refused, await SignInWithAsync(n => Claims(n, exp: now - 60)));
        Assert.Equal(Refused, await SignInWithAsync(n => Claims(n), publishedKey: false));
        // With several audiences the token must have been issued to this client (OpenID Connect Core 3.1.3.7: azp).
        Assert.Equal(Refused, await SignInWithAsync(n => Claims(n, audience: new[] { "tessera", "another-client" })));
        Assert.Equal(Refused, await SignInWithAsync(n => Claims(n, audience: new[] { "tessera", "another-client" }, azp: "another-client")));
        Assert.Empty(await AuditDetailsAsync(app, "user.create_jit"));

        Assert.Equal("/", await SignInWithAsync(n => Claims(n, audience: new[] { "tessera", "another-client" }, azp: "tessera")));
        Assert.Equal("/", await SignInWithAsync(n => Claims(n)));
        Assert.Single(await AuditDetailsAsync(app, "user.create_jit"));
        Assert.NotEmpty(await AuditDetailsAsync(app, "auth.token_rejected"));
    }

    private static async Task<string> StartAsync(HttpClient browser, Guid providerId)
    {
        using var start = await browser.GetAsync(new Uri($"/signin/provider/{providerId}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Redirect, start.StatusCode);
        return QueryHelpers.ParseQuery(start.Headers.Location!.Query)["state"].ToString();
    }

    /// <summary>Where the callback sends the browser.</summary>
    private static async Task<string> CallbackAsync(HttpClient browser, string query)
    {
        using var callback = await browser.GetAsync(new Uri("/signin/provider/callback?" + query, UriKind.Relative));
        Assert.Equal(HttpStatusCode.Redirect, callback.StatusCode);
        return callback.Headers.Location!.OriginalString;
    }
}
