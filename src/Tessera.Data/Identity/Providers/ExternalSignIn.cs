using System.Data.Common;
using Tessera.Core.Identity;

namespace Tessera.Data.Identity.Providers;

/// <summary>
/// Turns a provider's verified claims into a Tessera caller in the provider's organization: the user linked to
/// (issuer, subject), or one created just in time when the provider allows it; the role follows the mapped claim values
/// each time (owners excepted). The usual case, a known user whose role has not changed, is one read and no write.
/// A refusal never says whether a user exists: an unknown subject and an email taken by another account read the same.
/// </summary>
public sealed class ExternalSignIn(TesseraDatabase database, TokenService tokens, TimeProvider time)
{
    /// <summary>How finely an identity's last use is recorded (as for API tokens).</summary>
    private static readonly TimeSpan LastSeenResolution = TimeSpan.FromMinutes(1);

    public async Task<(Principal? Principal, TokenFailure? Failure)> ResolveAsync(
        IdentityProviderRecord provider, ExternalClaims claims, AuditActor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(provider);
        ArgumentNullException.ThrowIfNull(claims);
        var role = provider.RoleFor(claims.RoleValues);
        if (role is null) return (null, TokenFailure.NoRole);

        LinkedIdentity? linked;
        await using (var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
            linked = await IdentityProviderRepository.FindLinkedAsync(connection, null, claims.Issuer, claims.Subject, provider.OrgId, cancellationToken).ConfigureAwait(false);
        if (linked is not null && Settled(linked, role))
            return (Caller(linked.UserId, provider.OrgId, linked.Role!), null);
        if (linked is null && !provider.AllowJit) return (null, TokenFailure.NoAccount);
        try
        {
            return await UpdateAsync(provider, claims, role, actor, cancellationToken).ConfigureAwait(false);
        }
        catch (DbException e) when (UniqueViolation.Is(e))
        {
            // A concurrent request linked the same subject first: this one finds it now.
            return await UpdateAsync(provider, claims, role, actor, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// A web sign-in through the provider: the same user and role resolution as its API tokens, then a session token
    /// named <paramref name="sessionName"/> for the provider's organization (as a password sign-in gets), audited.
    /// </summary>
    public async Task<(IssuedToken? Session, TokenFailure? Failure)> StartSessionAsync(
        IdentityProviderRecord provider, ExternalClaims claims, string sessionName, AuditActor actor, CancellationToken cancellationToken = default)
    {
        var (principal, failure) = await ResolveAsync(provider, claims, actor, cancellationToken).ConfigureAwait(false);
        if (principal is null) return (null, failure);
        var signedIn = actor with { UserId = principal.UserId, OrgId = principal.OrgId };
        var session = await tokens.IssueAsync(principal.UserId, principal.OrgId, sessionName, [], AccountService.LoginTokenLifetime, loopbackOnly: false, signedIn, cancellationToken)
            .ConfigureAwait(false);
        await database.InTransactionAsync((c, t) => AuditLog.RecordAsync(c, t, signedIn, time.GetUtcNow(), "auth.signin_provider", "user", principal.UserId.ToString(),
            $"{claims.Issuer} subject {claims.Subject} (provider {provider.Name})", cancellationToken), cancellationToken).ConfigureAwait(false);
        return (session, null);
    }

    private bool Settled(LinkedIdentity linked, string role) =>
        (linked.Role == role || linked.Role == Roles.Owner) && time.GetUtcNow() - linked.LastSeenAt < LastSeenResolution;

    private Task<(Principal?, TokenFailure?)> UpdateAsync(
        IdentityProviderRecord provider, ExternalClaims claims, string role, AuditActor actor, CancellationToken cancellationToken) =>
        database.InTransactionAsync<(Principal?, TokenFailure?)>(async (c, t) =>
        {
            var now = time.GetUtcNow();
            var linked = await IdentityProviderRepository.FindLinkedAsync(c, t, claims.Issuer, claims.Subject, provider.OrgId, cancellationToken).ConfigureAwait(false);
            Guid userId;
            if (linked is null && await CreateUserAsync(c, t, provider, claims, actor, now, cancellationToken).ConfigureAwait(false) is { } created)
            {
                userId = created;
            }
            else
            {
                // Not created: a concurrent first request of this subject may have created and linked the user after the
                // look-up above (its email is then taken), and PostgreSQL's read committed shows that now.
                linked ??= await IdentityProviderRepository.FindLinkedAsync(c, t, claims.Issuer, claims.Subject, provider.OrgId, cancellationToken).ConfigureAwait(false);
                if (linked is null) return (null, TokenFailure.NoAccount);
                userId = linked.UserId;
                await IdentityProviderRepository.TouchIdentityAsync(c, t, linked.Id, now, cancellationToken).ConfigureAwait(false);
            }
            var current = linked?.Role;
            // Owners are named by hand; claims neither make nor unmake one.
            var effective = current == Roles.Owner ? Roles.Owner : role;
            if (current != effective)
            {
                await IdentityRepository.LockOrganizationAsync(c, t, database.Dialect, provider.OrgId, cancellationToken).ConfigureAwait(false);
                await IdentityRepository.UpsertMembershipAsync(c, t, provider.OrgId, userId, effective, now, cancellationToken).ConfigureAwait(false);
                await AuditLog.RecordAsync(c, t, actor with { UserId = userId, OrgId = provider.OrgId }, now, "membership.set_from_claims", "membership",
                    $"{provider.OrgId}/{userId}", $"{current ?? "none"} -> {effective} (provider {provider.Name})", cancellationToken).ConfigureAwait(false);
            }
            return (Caller(userId, provider.OrgId, effective), null);
        }, cancellationToken);

    /// <summary>
    /// The new user's id; null when the email is missing, not verified by the provider, outside the allowed domains, or
    /// already an account's.
    /// </summary>
    private static async Task<Guid?> CreateUserAsync(
        DbConnection c, DbTransaction t, IdentityProviderRecord provider, ExternalClaims claims, AuditActor actor, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // An unverified email is whatever the user typed into their profile: the account it made would hold someone
        // else's address, and invitations and password sign-up for that address would then meet it.
        if (!provider.AllowJit || !claims.EmailVerified || !provider.AllowsEmail(claims.Email)) return null;
        string email;
        try
        {
            email = AccountService.NormalizeEmail(claims.Email!);
        }
        catch (Core.Errors.TesseraException)
        {
            return null;
        }
        // An existing account is not linked by email: the provider would then speak for a user it never vouched for.
        if (await IdentityRepository.FindUserByEmailAsync(c, t, email, cancellationToken).ConfigureAwait(false) is not null) return null;
        var user = new UserRecord { Id = Guid.CreateVersion7(), Email = email, DisplayName = claims.Name is { Length: > 0 } name ? name : email.Split('@')[0], CreatedAt = now };
        await IdentityRepository.InsertUserAsync(c, t, user, cancellationToken).ConfigureAwait(false);
        await IdentityProviderRepository.InsertIdentityAsync(c, t, Guid.CreateVersion7(), provider.Id, claims.Issuer, claims.Subject, user.Id, now, cancellationToken).ConfigureAwait(false);
        await AuditLog.RecordAsync(c, t, actor with { UserId = user.Id, OrgId = provider.OrgId }, now, "user.create_jit", "user", user.Id.ToString(),
            $"{email} from {claims.Issuer} subject {claims.Subject} (provider {provider.Name})", cancellationToken).ConfigureAwait(false);
        return user.Id;
    }

    private static Principal Caller(Guid userId, Guid orgId, string role) => new(userId, orgId, Roles.PermissionsOf(role));
}
