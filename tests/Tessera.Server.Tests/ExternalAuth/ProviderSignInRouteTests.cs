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
