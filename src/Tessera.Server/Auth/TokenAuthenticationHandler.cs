using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Tessera.Data.Identity;
using Tessera.Server.Auth.External;
using Tessera.Web.Session;

namespace Tessera.Server.Auth;

/// <summary>
/// Authenticates <c>Authorization: Bearer tsr_…</c> tokens, and identity providers' JWT access tokens (<see cref="ExternalTokenValidator"/>). A refused request gets a 401 problem that says plainly
/// what is wrong (missing, malformed, unknown, expired, revoked) without revealing which tokens exist.
/// </summary>
internal sealed class TokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder,
    TokenService tokens, ExternalTokenValidator external, IProblemDetailsService problems)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    private const string FailureItem = "tessera.token_failure";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        if (string.IsNullOrEmpty(header)) return AuthenticateResult.NoResult();

        string? token = null;
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) token = header["Bearer ".Length..].Trim();
        var (principal, failure) = token is null
            ? (null, TokenFailure.Malformed)
            : ExternalTokenValidator.LooksLikeJwt(token)
                ? await external.AuthenticateAsync(token, new AuditActor(null, null, Context.Connection.RemoteIpAddress?.ToString()), Context.RequestAborted).ConfigureAwait(false)
                : await tokens.AuthenticateAsync(new TokenPresentation(token, ProxyHeaders.IsDirectLoopback(Context)), Context.RequestAborted).ConfigureAwait(false);
        if (principal is null)
        {
            Context.Items[FailureItem] = failure;
            return AuthenticateResult.Fail(failure!.Value.Message());
        }
        return AuthenticateResult.Success(new AuthenticationTicket(principal.ToClaimsPrincipal(), Scheme.Name));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var failure = Context.Items[FailureItem] as TokenFailure? ?? TokenFailure.Missing;
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        // Header values must be ASCII: the header names the stable code, the problem body says it in words.
        Response.Headers.WWWAuthenticate = failure == TokenFailure.Missing
            ? "Bearer"
            : $"Bearer error=\"invalid_token\", error_description=\"{failure.Code()}\"";
        var problem = new Microsoft.AspNetCore.Mvc.ProblemDetails { Status = 401, Detail = failure.Message() };
        problem.Extensions["code"] = failure.Code();
        await problems.WriteAsync(new ProblemDetailsContext { HttpContext = Context, ProblemDetails = problem }).ConfigureAwait(false);
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        var problem = new Microsoft.AspNetCore.Mvc.ProblemDetails { Status = 403, Detail = "The token does not grant this action." };
        await problems.WriteAsync(new ProblemDetailsContext { HttpContext = Context, ProblemDetails = problem }).ConfigureAwait(false);
    }
}
