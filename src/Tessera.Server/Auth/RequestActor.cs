using System.Security.Claims;
using Tessera.Core.Identity;
using Tessera.Data.Identity;

namespace Tessera.Server.Auth;

/// <summary>The audit actor of a request: the caller (when authenticated) and the client address.</summary>
public static class RequestActor
{
    public static AuditActor Of(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var user = context.User.FindFirst(Core.Identity.Principal.UserClaim)?.Value;
        var org = context.User.FindFirst(Core.Identity.Principal.OrgClaim)?.Value;
        return new AuditActor(
            user is null ? null : Guid.Parse(user),
            org is null ? null : Guid.Parse(org),
            context.Connection.RemoteIpAddress?.ToString());
    }

    public static Principal Principal(this ClaimsPrincipal user) => Core.Identity.Principal.FromClaims(user);
}
