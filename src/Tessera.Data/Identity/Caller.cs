using Microsoft.AspNetCore.Http;
using Tessera.Core.Identity;

namespace Tessera.Data.Identity;

/// <summary>
/// The authenticated caller of a request. A handler takes it as a parameter and minimal APIs bind it once per
/// request through <see cref="BindAsync"/>, so no handler reads claims itself. A request without a valid token
/// answers 401 before the handler runs.
/// </summary>
public sealed record Caller(Principal Principal, AuditActor Actor)
{
    /// <summary>Called by minimal APIs for a <see cref="Caller"/> parameter; not part of the OpenAPI document.</summary>
    public static ValueTask<Caller?> BindAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var principal = Principal.FromClaims(context.User);
        var actor = new AuditActor(principal.UserId, principal.OrgId, context.Connection.RemoteIpAddress?.ToString());
        return ValueTask.FromResult<Caller?>(new Caller(principal, actor));
    }

    /// <summary>The principal, after a 403 problem unless it holds <paramref name="permission"/>.</summary>
    public Principal Require(string permission)
    {
        Principal.Require(permission);
        return Principal;
    }
}
