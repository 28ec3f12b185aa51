using System.Net.Mail;
using Tessera.Core.Errors;
using Tessera.Core.Identity;
using Tessera.Core.Security;

namespace Tessera.Data.Identity;

/// <summary>Users, passwords and logins; and the find-or-create path the CLI and the demo use.</summary>
public sealed class AccountService(TesseraDatabase database, TokenService tokens, TimeProvider time)
{
    public static readonly TimeSpan LoginTokenLifetime = TimeSpan.FromDays(1);

    /// <summary>
    /// Finds or creates the user and organization, and makes sure the user is a member (owner of a new organization).
    /// A concurrent call that created the same user or organization first makes this one find them on a second try.
    /// </summary>
    public async Task<(UserRecord User, OrganizationRecord Org, string Role)> EnsureMemberAsync(
        string email, string orgName, string? role, AuditActor actor, CancellationToken cancellationToken = default)
    {
        email = NormalizeEmail(email);
        orgName = ValidateOrgName(orgName);
        if (role is not null && !Roles.IsKnown(role)) throw UnknownRole(role);
        try
        {
            return await FindOrCreateMemberAsync(email, orgName, role, actor, cancellationToken).ConfigureAwait(false);
        }
        catch (System.Data.Common.DbException e) when (UniqueViolation.Is(e))
        {
            return await FindOrCreateMemberAsync(email, orgName, role, actor, cancellationToken).ConfigureAwait(false);
        }
    }

    private Task<(UserRecord User, OrganizationRecord Org, string Role)> FindOrCreateMemberAsync(
        string email, string orgName, string? role, AuditActor actor, CancellationToken cancellationToken) =>
        database.InTransactionAsync(async (c, t) =>
        {
            var now = time.GetUtcNow();
            var user = await IdentityRepository.FindUserByEmailAsync(c, t, email, cancellationToken).ConfigureAwait(false);
            if (user is null)
            {
                user = new UserRecord { Id = Guid.CreateVersion7(), Email = email, DisplayName = email.Split('@')[0], CreatedAt = now };
                await IdentityRepository.InsertUserAsync(c, t, user, cancellationToken).ConfigureAwait(false);
                await AuditLog.RecordAsync(c, t, actor, now, "user.create", "user", user.Id.ToString(), email, cancellationToken).ConfigureAwait(false);
            }
            var org = await IdentityRepository.FindOrganizationByNameAsync(c, t, orgName, cancellationToken).ConfigureAwait(false);
            var createdOrg = org is null;
            if (org is null)
            {
                org = new OrganizationRecord { Id = Guid.CreateVersion7(), Name = orgName, CreatedAt = now };
                await IdentityRepository.InsertOrganizationAsync(c, t, org, cancellationToken).ConfigureAwait(false);
                await AuditLog.RecordAsync(c, t, actor, now, "org.create", "organization", org.Id.ToString(), orgName, cancellationToken).ConfigureAwait(false);
            }
            var current = await IdentityRepository.FindRoleAsync(c, t, org.Id, user.Id, cancellationToken).ConfigureAwait(false);
            var wanted = role ?? current ?? (createdOrg ? Roles.Owner : Roles.Member);
            if (current != wanted)
            {
                await IdentityRepository.UpsertMembershipAsync(c, t, org.Id, user.Id, wanted, now, cancellationToken).ConfigureAwait(false);
                await AuditLog.RecordAsync(c, t, actor, now, "membership.set", "membership", $"{org.Id}/{user.Id}", wanted, cancellationToken).ConfigureAwait(false);
            }
            return (user, org, wanted);
        }, cancellationToken);

    public Task SetPasswordAsync(string email, string password, AuditActor actor, CancellationToken cancellationToken = default)
    {
        email = NormalizeEmail(email);
        if (password is null || password.Length < PasswordHasher.MinimumLength)
            throw TesseraException.Validation($"A password must have at least {PasswordHasher.MinimumLength} characters.");
        var hash = PasswordHasher.Hash(password);
        return database.InTransactionAsync(async (c, t) =>
        {
            var user = await IdentityRepository.FindUserByEmailAsync(c, t, email, cancellationToken).ConfigureAwait(false)
                ?? throw TesseraException.NotFound("user");
            await IdentityRepository.SetPasswordHashAsync(c, t, user.Id, hash, cancellationToken).ConfigureAwait(false);
            await AuditLog.RecordAsync(c, t, actor, time.GetUtcNow(), "user.set_password", "user", user.Id.ToString(), null, cancellationToken).ConfigureAwait(false);
        }, cancellationToken);
    }

    /// <summary>
    /// Exchanges email + password for a one-day token in the named organization (or the user's first).
    /// Unknown email and wrong password fail alike, in the same time.
    /// </summary>
    public async Task<IssuedToken> LoginAsync(string email, string password, string? orgName, string? remoteAddress, CancellationToken cancellationToken = default)
    {
        UserRecord? user;
        IReadOnlyList<OrganizationMembership> orgs;
        await using (var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
        {
            user = await IdentityRepository.FindUserByEmailAsync(connection, null, (email ?? "").Trim().ToLowerInvariant(), cancellationToken).ConfigureAwait(false);
            if (!PasswordHasher.Verify(password ?? "", user?.PasswordHash) || user is null)
                throw new TesseraException("INVALID_CREDENTIALS", 401, "The email or password is wrong.");
            orgs = await IdentityRepository.ListOrganizationsOfAsync(connection, user.Id, cancellationToken).ConfigureAwait(false);
        }
        var org = orgName is null ? (orgs.Count > 0 ? orgs[0] : null) : orgs.FirstOrDefault(o => o.Name == orgName);
        if (org is null)
            throw new TesseraException("NO_MEMBERSHIP", 403, orgName is null ? "The user is not a member of any organization." : $"The user is not a member of '{orgName}'.");
        return await tokens.IssueAsync(user.Id, org.Id, "login", [], LoginTokenLifetime, loopbackOnly: false,
            new AuditActor(user.Id, org.Id, remoteAddress), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The principal an operator acts as on the command line: the member's role in the organization, no token.
    /// A missing user, organization or membership is one NotFound.
    /// </summary>
    public async Task<Principal> MemberPrincipalAsync(string email, string orgName, CancellationToken cancellationToken = default)
    {
        email = NormalizeEmail(email);
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var user = await IdentityRepository.FindUserByEmailAsync(connection, null, email, cancellationToken).ConfigureAwait(false);
        var org = await IdentityRepository.FindOrganizationByNameAsync(connection, null, (orgName ?? "").Trim(), cancellationToken).ConfigureAwait(false);
        var role = user is null || org is null ? null : await IdentityRepository.FindRoleAsync(connection, null, org.Id, user.Id, cancellationToken).ConfigureAwait(false);
        if (role is null) throw TesseraException.NotFound($"membership of {email} in '{orgName}'");
        return new Principal(user!.Id, org!.Id, Roles.PermissionsOf(role));
    }

    public async Task<UserRecord> GetAsync(Principal principal, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(principal);
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await IdentityRepository.FindUserAsync(connection, null, principal.UserId, cancellationToken).ConfigureAwait(false)
            ?? throw TesseraException.NotFound("user");
    }

    public static string NormalizeEmail(string email)
    {
        email = (email ?? "").Trim().ToLowerInvariant();
        if (email.Length > 254 || !MailAddress.TryCreate(email, out var parsed) || parsed.Address != email)
            throw TesseraException.Validation($"'{email}' is not a valid email address.");
        return email;
    }

    public static string ValidateOrgName(string name)
    {
        name = (name ?? "").Trim();
        if (name.Length is 0 or > 100) throw TesseraException.Validation("An organization name must have 1 to 100 characters.");
        return name;
    }

    internal static TesseraException UnknownRole(string role) =>
        TesseraException.Validation($"Unknown role '{role}'. Roles: {string.Join(", ", Roles.All)}.");
}
