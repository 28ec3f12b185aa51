using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tessera.Core.Identity;

namespace Tessera.Jobs.Tests;

/// <summary>
/// TEST ONLY: stands in for the real token authentication (scheme "Tessera") until it is merged. The caller is
/// named by headers: X-Test-User, X-Test-Org and X-Test-Permissions (comma-separated; default jobs:read,jobs:write).
/// </summary>
internal sealed class TestAuthentication(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public static void AddTo(IServiceCollection services)
    {
        services.AddAuthentication(Principal.AuthenticationScheme)
            .AddScheme<AuthenticationSchemeOptions, TestAuthentication>(Principal.AuthenticationScheme, _ => { });
        services.AddAuthorization();
    }

    public static void Act(HttpRequestMessage request, JobOwner owner, string permissions = "jobs:read,jobs:write")
    {
        request.Headers.Add("X-Test-User", owner.UserId.ToString());
        request.Headers.Add("X-Test-Org", owner.OrgId.ToString());
        request.Headers.Add("X-Test-Permissions", permissions);
    }

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Guid.TryParse(Request.Headers["X-Test-User"], out var user) || !Guid.TryParse(Request.Headers["X-Test-Org"], out var org))
            return Task.FromResult(AuthenticateResult.NoResult());
        var permissions = Request.Headers["X-Test-Permissions"].ToString().Split(',', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
        var principal = new Principal(user, org, permissions);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal.ToClaimsPrincipal(), Principal.AuthenticationScheme)));
    }
}
