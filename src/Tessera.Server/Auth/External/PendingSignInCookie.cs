using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;

namespace Tessera.Server.Auth.External;

/// <summary>
/// The pending provider sign-in (state, nonce, PKCE verifier) in an HttpOnly cookie, encrypted and signed with the data
/// protection keys, valid for <see cref="Lifetime"/> and sent only to the sign-in routes. The callback takes it (it is
/// removed whatever happens), so a state is used once. SameSite=Lax: the provider sends the browser back with a
/// top-level GET, which carries it.
/// </summary>
internal sealed class PendingSignInCookie(IDataProtectionProvider protection)
{
    public const string Name = "tessera_signin_pending";
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);

    private const string Path = "/signin/provider";

    private readonly ITimeLimitedDataProtector _protector = protection.CreateProtector("Tessera.Server.ProviderSignIn.Pending").ToTimeLimitedDataProtector();

    public void Write(HttpContext context, PendingProviderSignIn pending)
    {
        var value = _protector.Protect(JsonSerializer.Serialize(pending), Lifetime);
        context.Response.Cookies.Append(Name, value, Options(context));
    }

    /// <summary>The pending sign-in, or null when there is none, it expired or it was altered; the cookie is removed.</summary>
    public PendingProviderSignIn? Take(HttpContext context)
    {
        var value = context.Request.Cookies[Name];
        if (value is null) return null;
        context.Response.Cookies.Delete(Name, Options(context));
        try
        {
            return JsonSerializer.Deserialize<PendingProviderSignIn>(_protector.Unprotect(value));
        }
        catch (Exception e) when (e is CryptographicException or JsonException)
        {
            return null;
        }
    }

    private static CookieOptions Options(HttpContext context) =>
        new() { HttpOnly = true, SameSite = SameSiteMode.Lax, Secure = context.Request.IsHttps, Path = Path, MaxAge = Lifetime, IsEssential = true };
}
