using Tessera.Core.Errors;
using Tessera.Core.Identity;

namespace Tessera.Data.Identity;

/// <summary>
/// Organizations and their memberships. An organization the caller does not belong to answers exactly like one
/// that does not exist (404); a member without <c>members:manage</c> gets 403, since the organization is no secret to them.
/// </summary>
public sealed class OrganizationService(TesseraDatabase database, TimeProvider time)
{
    public async Task<IReadOnlyList<OrganizationMembership>> ListMineAsync(Principal principal, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(principal);
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await IdentityRepository.ListOrganizationsOfAsync(connection, principal.UserId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Creates an organization with the caller as its owner; needs <c>orgs:create</c> (not a viewer's, nor a read-only
    /// token's). A name taken first, even by a concurrent request, is a 409.
    /// </summary>
    public async Task<OrganizationRecord> CreateAsync(Principal principal, string name, AuditActor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(principal);
        principal.Require(Permissions.OrgsCreate);
        name = AccountService.ValidateOrgName(name);
        try
        {
            return await InsertOrganizationAsync(principal, name, actor, cancellationToken).ConfigureAwait(false);
        }
        catch (System.Data.Common.DbException e) when (UniqueViolation.Is(e))
        {
            throw NameTaken(name);
        }
    }

    private Task<OrganizationRecord> InsertOrganizationAsync(Principal principal, string name, AuditActor actor, CancellationToken cancellationToken) =>
        database.InTransactionAsync(async (c, t) =>
        {
            if (await IdentityRepository.FindOrganizationByNameAsync(c, t, name, cancellationToken).ConfigureAwait(false) is not null)
                throw NameTaken(name);
            var now = time.GetUtcNow();
            var org = new OrganizationRecord { Id = Guid.CreateVersion7(), Name = name, CreatedAt = now };
            await IdentityRepository.InsertOrganizationAsync(c, t, org, cancellationToken).ConfigureAwait(false);
            await IdentityRepository.UpsertMembershipAsync(c, t, org.Id, principal.UserId, Roles.Owner, now, cancellationToken).ConfigureAwait(false);
            await AuditLog.RecordAsync(c, t, actor, now, "org.create", "organization", org.Id.ToString(), name, cancellationToken).ConfigureAwait(false);
            return org;
        }, cancellationToken);

    private static TesseraException NameTaken(string name) => TesseraException.Conflict("ORG_NAME_TAKEN", $"An organization named '{name}' already exists.");

    public async Task<IReadOnlyList<MemberRecord>> ListMembersAsync(Principal principal, Guid orgId, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await RequireManagerAsync(connection, null, principal, orgId, cancellationToken).ConfigureAwait(false);
        return await IdentityRepository.ListMembersAsync(connection, orgId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Adds a user (by email, who must have an account) to the organization, or changes their role.</summary>
    public Task<MemberRecord> SetMemberAsync(Principal principal, Guid orgId, string email, string role, AuditActor actor, CancellationToken cancellationToken = default)
    {
        email = AccountService.NormalizeEmail(email);
        if (!Roles.IsKnown(role)) throw AccountService.UnknownRole(role);
        return database.InTransactionAsync(async (c, t) =>
        {
            await IdentityRepository.LockOrganizationAsync(c, t, database.Dialect, orgId, cancellationToken).ConfigureAwait(false);
            var callerRole = await RequireManagerAsync(c, t, principal, orgId, cancellationToken).ConfigureAwait(false);
            if (role == Roles.Owner && callerRole != Roles.Owner)
                throw new TesseraException(ErrorCodes.Forbidden, 403, "Only an owner can make someone an owner.");
            var user = await IdentityRepository.FindUserByEmailAsync(c, t, email, cancellationToken).ConfigureAwait(false)
                ?? throw TesseraException.NotFound("user");
            var current = await IdentityRepository.FindRoleAsync(c, t, orgId, user.Id, cancellationToken).ConfigureAwait(false);
            if (current == Roles.Owner && callerRole != Roles.Owner)
                throw new TesseraException(ErrorCodes.Forbidden, 403, "Only an owner can change an owner's role.");
            var now = time.GetUtcNow();
            await IdentityRepository.UpsertMembershipAsync(c, t, orgId, user.Id, role, now, cancellationToken).ConfigureAwait(false);
            await EnsureAnOwnerRemainsAsync(c, t, orgId, cancellationToken).ConfigureAwait(false);
            await AuditLog.RecordAsync(c, t, actor, now, "membership.set", "membership", $"{orgId}/{user.Id}", role, cancellationToken).ConfigureAwait(false);
            // The stored row: a role change keeps the membership's original created_at.
            return await IdentityRepository.GetMemberAsync(c, t, orgId, user.Id, cancellationToken).ConfigureAwait(false);
        }, cancellationToken);
    }

    /// <summary>Removes a member and revokes their tokens for this organization, in one transaction.</summary>
    public Task RemoveMemberAsync(Principal principal, Guid orgId, Guid userId, AuditActor actor, CancellationToken cancellationToken = default) =>
        database.InTransactionAsync(async (c, t) =>
        {
            await IdentityRepository.LockOrganizationAsync(c, t, database.Dialect, orgId, cancellationToken).ConfigureAwait(false);
            var callerRole = await RequireManagerAsync(c, t, principal, orgId, cancellationToken).ConfigureAwait(false);
            var current = await IdentityRepository.FindRoleAsync(c, t, orgId, userId, cancellationToken).ConfigureAwait(false)
                ?? throw TesseraException.NotFound("member");
            if (current == Roles.Owner && callerRole != Roles.Owner)
                throw new TesseraException(ErrorCodes.Forbidden, 403, "Only an owner can remove an owner.");
            await IdentityRepository.DeleteMembershipAsync(c, t, orgId, userId, cancellationToken).ConfigureAwait(false);
            await EnsureAnOwnerRemainsAsync(c, t, orgId, cancellationToken).ConfigureAwait(false);
            // Their tokens for this organization die with the membership: adding them again must not revive them.
            var now = time.GetUtcNow();
            var revoked = await IdentityRepository.RevokeTokensOfMemberAsync(c, t, orgId, userId, now, cancellationToken).ConfigureAwait(false);
            await AuditLog.RecordAsync(c, t, actor, now, "membership.remove", "membership", $"{orgId}/{userId}", $"{revoked} token(s) revoked", cancellationToken).ConfigureAwait(false);
        }, cancellationToken);

    /// <summary>Non-members see 404 (the organization's existence is theirs to not know); members lacking the permission see 403.</summary>
    private static async Task<string> RequireManagerAsync(System.Data.Common.DbConnection c, System.Data.Common.DbTransaction? t, Principal principal, Guid orgId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(principal);
        var role = await IdentityRepository.FindRoleAsync(c, t, orgId, principal.UserId, cancellationToken).ConfigureAwait(false)
            ?? throw TesseraException.NotFound("organization");
        if (principal.OrgId != orgId || !principal.Has(Permissions.MembersManage))
            throw new TesseraException(ErrorCodes.Forbidden, 403, $"Managing members needs the '{Permissions.MembersManage}' permission in this organization (use a token issued for it).");
        return role;
    }

    private static async Task EnsureAnOwnerRemainsAsync(System.Data.Common.DbConnection c, System.Data.Common.DbTransaction t, Guid orgId, CancellationToken cancellationToken)
    {
        if (await IdentityRepository.CountOwnersAsync(c, t, orgId, cancellationToken).ConfigureAwait(false) == 0)
            throw TesseraException.Conflict("LAST_OWNER", "An organization must keep at least one owner.");
    }
}
