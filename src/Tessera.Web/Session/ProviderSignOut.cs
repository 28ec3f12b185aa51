using System.Text.Encodings.Web;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;

namespace Tessera.Web.Session;

/// <summary>
/// After a sign-in through a provider that publishes an <c>end_session_endpoint</c>, what signing out needs to end the
/// person's session there too (RP-initiated logout): that endpoint, the ID token as <c>id_token_hint</c> and the client
/// id. Kept beside the session in an HttpOnly cookie, protected (encrypted and signed) so it cannot be altered to send
/// the browser elsewhere, and sent only to <c>/session</c>.
/// </summary>
public sealed class ProviderSignOut(IDataProtectionProvider protection)
{
    public const string CookieName = "tessera_provider_session";

    private const string CookiePath = "/session";

    private const int MaxCookieValueLength = 3800;

    private readonly IDataProtector _protector = protection.CreateProtector("Tessera.Web.ProviderSignOut");

    public void Write(HttpContext context, Uri endSessionEndpoint, string idToken, string clientId, DateTimeOffset? expires)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(endSessionEndpoint);
        var value = _protector.Protect(string.Join('\n', endSessionEndpoint.AbsoluteUri, idToken, clientId));
        // A large ID token (many groups) would push the cookie past what browsers keep (4 KB): the client id alone
        // still identifies the logout to the provider, which may then ask the person to confirm.
        if (value.Length > MaxCookieValueLength) value = _protector.Protect(string.Join('\n', endSessionEndpoint.AbsoluteUri, "", clientId));
        context.Response.Cookies.Append(CookieName, value, Options(context, expires));
    }

    public static void Delete(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Request.Cookies.ContainsKey(CookieName)) context.Response.Cookies.Delete(CookieName, Options(context, null));
    }

    /// <summary>
    /// The provider's end-session address that sends the browser back to <c>/signin</c> afterwards, or null when the
    /// session did not come from such a provider (or the cookie does not open: then only Tessera's session ends).
    /// The cookie is removed either way.
    /// </summary>
    public Uri? TakeEndSessionRedirect(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var value = context.Request.Cookies[CookieName];
        Delete(context);
        if (string.IsNullOrEmpty(value)) return null;
        string[] parts;
        try
        {
            parts = _protector.Unprotect(value).Split('\n');
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return null;
        }
        if (parts.Length != 3 || !Uri.TryCreate(parts[0], UriKind.Absolute, out var endSession)) return null;
        var back = $"{context.Request.Scheme}://{context.Request.Host}{context.Request.PathBase}{WebPaths.SignInPath}";
        var hint = parts[1].Length == 0 ? "" : $"id_token_hint={Uri.EscapeDataString(parts[1])}&";
        var query = $"{hint}client_id={Uri.EscapeDataString(parts[2])}&post_logout_redirect_uri={Uri.EscapeDataString(back)}";
        return new Uri(endSession.AbsoluteUri + (string.IsNullOrEmpty(endSession.Query) ? "?" : "&") + query);
    }

    /// <summary>
    /// The answer to the sign-out post when the provider's session ends too: a page that moves on to the provider by
    /// itself (meta refresh) and links there. Not a redirect: the pages' CSP (<c>form-action 'self'</c>) stops a form
    /// post from being redirected to another origin.
    /// </summary>
    public static string ContinuePage(Uri endSession)
    {
        ArgumentNullException.ThrowIfNull(endSession);
        var address = HtmlEncoder.Default.Encode(endSession.AbsoluteUri);
        return $"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="0;url={address}">
            <title>Signing out · Tessera</title><link rel="stylesheet" href="/assets/shell/site.css"></head>
            <body><main id="main"><h1>Signed out of Tessera</h1>
            <p><a href="{address}">Continue to sign out at your identity provider</a>.</p></main></body></html>
            """;
    }

    private static CookieOptions Options(HttpContext context, DateTimeOffset? expires) =>
        new(SessionCookie.Options(context, expires)) { Path = CookiePath };
}
