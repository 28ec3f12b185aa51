using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tessera.Core.Identity;
using Tessera.Data.Identity;

namespace Tessera.Web.Session;

/// <summary>
/// Authenticates the session cookie through the same token service as bearer tokens, so a session is revoked,
/// expires and loses its organization exactly like an API token. A page asked for without a valid session
/// redirects to the sign-in page; an API route answers the bearer scheme's 401 problem.
/// </summary>
public sealed class SessionAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, TokenService tokens)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "TesseraSession";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var token = SessionCookie.Read(Context);
        if (token is null) return AuthenticateResult.NoResult();
        var presented = new TokenPresentation(token, ProxyHeaders.IsDirectLoopback(Context));
        var (principal, failure) = await tokens.AuthenticateAsync(presented, Context.RequestAborted).ConfigureAwait(false);
        return principal is null
            ? AuthenticateResult.Fail(failure!.Value.Message())
            : AuthenticateResult.Success(new AuthenticationTicket(principal.ToClaimsPrincipal(), Scheme.Name));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (WebPaths.IsApi(Request.Path)) return Context.ChallengeAsync(Principal.AuthenticationScheme);
        if (SessionCookie.Read(Context) is not null) SessionCookie.Delete(Context);
        Response.Redirect(WebPaths.SignIn(Request.PathBase + Request.Path + Request.QueryString));
        return Task.CompletedTask;
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        Context.ForbidAsync(Principal.AuthenticationScheme);
}
