using Microsoft.AspNetCore.Http;
using Tessera.Data.Identity;

namespace Tessera.Web.Session;

/// <summary>
/// The browser session: an API token in an HttpOnly cookie, so page scripts never see it. SameSite=Lax keeps it off
/// cross-site posts; it is Secure whenever the request came over TLS.
/// </summary>
public static class SessionCookie
{
    public const string Name = "tessera_session";

    /// <summary>The name of the session tokens the web UI mints (listed on the tokens page like any other).</summary>
    public const string TokenName = "web session";

    public static string? Read(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Request.Cookies[Name] is { Length: > 0 } token ? token : null;
    }

    public static void Write(HttpContext context, IssuedToken issued)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(issued);
        context.Response.Cookies.Append(Name, issued.Token, Options(context, issued.Record.ExpiresAt));
    }

    public static void Delete(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.Cookies.Delete(Name, Options(context, null));
    }

    internal static CookieOptions Options(HttpContext context, DateTimeOffset? expires) => new()
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Lax,
        Secure = context.Request.IsHttps,
        Path = "/",
        Expires = expires,
        IsEssential = true,
    };
}
