using System.Security.Claims;
using Tessera.Core.Errors;

namespace Tessera.Core.Identity;

/// <summary>
/// Who is calling: a user acting within one organization with a set of permissions (the role's, narrowed by
/// the token's scopes). Repositories take it and filter by <see cref="UserId"/> / <see cref="OrgId"/> in SQL.
/// </summary>
public sealed record Principal(Guid UserId, Guid OrgId, IReadOnlySet<string> Permissions, Guid? TokenId = null)
{
    public const string UserClaim = "tessera:user";
    public const string OrgClaim = "tessera:org";
    public const string PermissionClaim = "tessera:permission";
    public const string TokenClaim = "tessera:token";
    public const string AuthenticationScheme = "Tessera";

    public bool Has(string permission) => Permissions.Contains(permission);

    /// <summary>Throws a 403 problem unless the principal holds <paramref name="permission"/>.</summary>
    public void Require(string permission)
    {
        if (!Has(permission))
            throw new TesseraException(ErrorCodes.Forbidden, 403, $"This action needs the '{permission}' permission.");
    }

    public ClaimsPrincipal ToClaimsPrincipal()
    {
        var claims = new List<Claim> { new(UserClaim, UserId.ToString()), new(OrgClaim, OrgId.ToString()) };
        if (TokenId is { } token) claims.Add(new Claim(TokenClaim, token.ToString()));
        claims.AddRange(Permissions.Select(p => new Claim(PermissionClaim, p)));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, AuthenticationScheme));
    }

    /// <summary>Reads the principal the authentication handler put on the request; throws 401 when there is none.</summary>
    public static Principal FromClaims(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        var userId = user.FindFirst(UserClaim)?.Value;
        var orgId = user.FindFirst(OrgClaim)?.Value;
        if (userId is null || orgId is null)
            throw new TesseraException(ErrorCodes.Unauthorized, 401, "Authentication required: send 'Authorization: Bearer <token>'.");
        var token = user.FindFirst(TokenClaim)?.Value;
        return new Principal(
            Guid.Parse(userId),
            Guid.Parse(orgId),
            user.FindAll(PermissionClaim).Select(c => c.Value).ToHashSet(StringComparer.Ordinal),
            token is null ? null : Guid.Parse(token));
    }
}
