using Tessera.Core.Errors;
using Tessera.Core.Identity;
using Tessera.Core.Security;

namespace Tessera.Data.Identity;

/// <summary>Issues, checks, lists and revokes API tokens.</summary>
public sealed class TokenService(TesseraDatabase database, TimeProvider time)
{
    /// <summary>How finely a token's last use is recorded.</summary>
    public static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

    public const int MaxNameLength = 100;

    /// <summary>Issues a token for <paramref name="userId"/> in <paramref name="orgId"/>; the plaintext is returned once.</summary>
    public Task<IssuedToken> IssueAsync(
        Guid userId, Guid orgId, string name, IReadOnlyCollection<string> scopes, TimeSpan? lifetime, bool loopbackOnly,
        AuditActor actor, CancellationToken cancellationToken = default)
    {
        if (lifetime is { } l && l <= TimeSpan.Zero) throw TesseraException.Validation("A token's lifetime must be positive.");
        var expiresAt = lifetime is { } life ? time.GetUtcNow() + life : (DateTimeOffset?)null;
        return InsertAsync(userId, orgId, name, scopes, expiresAt, loopbackOnly, actor, cancellationToken);
    }

    /// <summary>
    /// Issues a token on behalf of the token <paramref name="minter"/> authenticated with, which it never exceeds:
    /// its scopes are a subset of the minter's permissions (all of them when none are asked for), it expires no
    /// later than the minter, and a loopback-only minter (the demo token) mints loopback-only tokens, so it cannot
    /// hand out a way in from elsewhere.
    /// </summary>
    public async Task<IssuedToken> MintAsync(
        Principal minter, string name, IReadOnlyCollection<string> scopes, TimeSpan lifetime, AuditActor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(minter);
        ArgumentNullException.ThrowIfNull(scopes);
        var beyond = scopes.Where(s => !minter.Has(s)).ToList();
        if (beyond.Count > 0)
            throw new TesseraException(ErrorCodes.Forbidden, 403, $"You cannot grant scopes you do not hold: {string.Join(", ", beyond)}.");
        if (lifetime <= TimeSpan.Zero) throw TesseraException.Validation("A token's lifetime must be positive.");
        var tokenId = minter.TokenId ?? throw new TesseraException(ErrorCodes.Unauthorized, 401, "Minting a token needs an API token.");

        TokenRecord parent;
        await using (var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
        {
            parent = await IdentityRepository.FindTokenOfAsync(connection, null, tokenId, minter.UserId, cancellationToken).ConfigureAwait(false)
                ?? throw new TesseraException(ErrorCodes.Unauthorized, 401, "The token this request authenticated with no longer exists.");
        }
        var expiresAt = time.GetUtcNow() + lifetime;
        if (parent.ExpiresAt is { } limit && limit < expiresAt) expiresAt = limit;
        var effective = scopes.Count > 0 ? scopes : minter.Permissions.ToList();
        return await InsertAsync(minter.UserId, minter.OrgId, name, effective, expiresAt, parent.LoopbackOnly, actor, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Replaces the token the caller authenticated with by one for another organization the user belongs to (the web
    /// session's organization switcher): same name, scopes, expiry and loopback restriction; the old token is revoked
    /// in the same transaction. An organization the user is not a member of answers like one that does not exist.
    /// </summary>
    public async Task<IssuedToken> SwitchOrganizationAsync(Principal principal, Guid orgId, AuditActor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(principal);
        var tokenId = principal.TokenId ?? throw new TesseraException(ErrorCodes.Unauthorized, 401, "Switching organizations needs an API token.");
        var plaintext = ApiTokenFormat.Generate();
        var record = await database.InTransactionAsync(async (c, t) =>
        {
            if (await IdentityRepository.FindRoleAsync(c, t, orgId, principal.UserId, cancellationToken).ConfigureAwait(false) is null)
                throw TesseraException.NotFound("organization");
            var current = await IdentityRepository.FindTokenOfAsync(c, t, tokenId, principal.UserId, cancellationToken).ConfigureAwait(false);
            if (current is null || current.RevokedAt is not null)
                throw new TesseraException(ErrorCodes.Unauthorized, 401, "The token this request authenticated with no longer exists.");
            var now = time.GetUtcNow();
            var replacement = current with
            {
                Id = Guid.CreateVersion7(),
                OrgId = orgId,
                DisplayHint = ApiTokenFormat.DisplayHint(plaintext),
                LastUsedAt = null,
                CreatedAt = now,
            };
            await IdentityRepository.InsertTokenAsync(c, t, replacement, ApiTokenFormat.Hash(plaintext), cancellationToken).ConfigureAwait(false);
            await AuditLog.RecordAsync(c, t, actor, now, "token.create", "api_token", replacement.Id.ToString(), replacement.Name, cancellationToken).ConfigureAwait(false);
            await RevokeAsync(c, t, current.Id, actor, cancellationToken).ConfigureAwait(false);
            return replacement;
        }, cancellationToken).ConfigureAwait(false);
        return new IssuedToken(plaintext, record);
    }

    private async Task<IssuedToken> InsertAsync(
        Guid userId, Guid orgId, string name, IReadOnlyCollection<string> scopes, DateTimeOffset? expiresAt, bool loopbackOnly,
        AuditActor actor, CancellationToken cancellationToken)
    {
        name = ValidateName(name);
        foreach (var scope in scopes)
        {
            if (!Permissions.All.Contains(scope))
                throw TesseraException.Validation($"Unknown scope '{scope}'. Known scopes: {string.Join(", ", Permissions.All)}.");
        }

        var plaintext = ApiTokenFormat.Generate();
        var now = time.GetUtcNow();
        var record = new TokenRecord
        {
            Id = Guid.CreateVersion7(),
            UserId = userId,
            OrgId = orgId,
            Name = name,
            DisplayHint = ApiTokenFormat.DisplayHint(plaintext),
            Scopes = string.Join(' ', scopes.Distinct().Order(StringComparer.Ordinal)),
            LoopbackOnly = loopbackOnly,
            ExpiresAt = expiresAt,
            CreatedAt = now,
        };
        await database.InTransactionAsync(async (c, t) =>
        {
            if (await IdentityRepository.FindRoleAsync(c, t, orgId, userId, cancellationToken).ConfigureAwait(false) is null)
                throw TesseraException.Validation("A token can only be issued for an organization the user is a member of.");
            await IdentityRepository.InsertTokenAsync(c, t, record, ApiTokenFormat.Hash(plaintext), cancellationToken).ConfigureAwait(false);
            await AuditLog.RecordAsync(c, t, actor, now, "token.create", "api_token", record.Id.ToString(), name, cancellationToken).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
        return new IssuedToken(plaintext, record);
    }

    /// <summary>
    /// Checks a presented token and returns the caller, or why it was refused. The stored hash is found by index and
    /// then compared in constant time; a successful use moves the token's last-used time forward.
    /// </summary>
    public async Task<(Principal? Principal, TokenFailure? Failure)> AuthenticateAsync(TokenPresentation presented, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(presented);
        if (presented.Token is null) return (null, TokenFailure.Missing);
        if (!ApiTokenFormat.IsWellFormed(presented.Token)) return (null, TokenFailure.Malformed);

        var hash = ApiTokenFormat.Hash(presented.Token);
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var credential = await IdentityRepository.FindCredentialAsync(connection, hash, cancellationToken).ConfigureAwait(false);
        if (credential is null || !ApiTokenFormat.HashesEqual(credential.TokenHash, hash)) return (null, TokenFailure.Unknown);
        if (credential.RevokedAt is not null) return (null, TokenFailure.Revoked);
        var now = time.GetUtcNow();
        if (credential.ExpiresAt is { } expires && now >= expires) return (null, TokenFailure.Expired);
        if (credential.Role is null) return (null, TokenFailure.NotAMember);
        if (credential.LoopbackOnly && !presented.FromLoopback) return (null, TokenFailure.LoopbackOnly);

        // Last-used is kept to the minute: writing it on every request would make each read a database write.
        if (credential.LastUsedAt is not { } lastUsed || now - lastUsed >= LastUsedResolution)
            await IdentityRepository.TouchTokenAsync(connection, credential.Id, now, cancellationToken).ConfigureAwait(false);
        var granted = Roles.PermissionsOf(credential.Role);
        var scopes = credential.Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        // A token's scopes narrow its user's role; a token without scopes carries the whole role.
        var permissions = scopes.Length == 0 ? granted : granted.Intersect(scopes).ToHashSet(StringComparer.Ordinal);
        return (new Principal(credential.UserId, credential.OrgId, permissions, credential.Id), null);
    }

    /// <summary>
    /// Whether an already authenticated token still holds: not revoked, not expired, its user still a member. Long
    /// requests (event streams) ask again while they run.
    /// </summary>
    public async Task<bool> IsStillValidAsync(Guid tokenId, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var credential = await IdentityRepository.FindCredentialByIdAsync(connection, tokenId, cancellationToken).ConfigureAwait(false);
        return credential is { RevokedAt: null, Role: not null } && (credential.ExpiresAt is not { } expires || time.GetUtcNow() < expires);
    }

    public async Task<IReadOnlyList<TokenRecord>> ListAsync(Principal principal, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(principal);
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await IdentityRepository.ListTokensOfAsync(connection, principal.UserId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Revokes one of the caller's own tokens; someone else's answers exactly like a missing one.</summary>
    public Task RevokeOwnAsync(Principal principal, Guid tokenId, AuditActor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(principal);
        return database.InTransactionAsync(async (c, t) =>
        {
            _ = await IdentityRepository.FindTokenOfAsync(c, t, tokenId, principal.UserId, cancellationToken).ConfigureAwait(false)
                ?? throw TesseraException.NotFound("token");
            await RevokeAsync(c, t, tokenId, actor, cancellationToken).ConfigureAwait(false);
        }, cancellationToken);
    }

    /// <summary>Operator revocation (CLI): by token id or by the plaintext token itself.</summary>
    public Task<Guid> RevokeAnyAsync(string idOrToken, AuditActor actor, CancellationToken cancellationToken = default) =>
        database.InTransactionAsync(async (c, t) =>
        {
            Guid? id = Guid.TryParse(idOrToken, out var parsed)
                ? (await IdentityRepository.FindTokenAsync(c, t, parsed, cancellationToken).ConfigureAwait(false))?.Id
                : await IdentityRepository.FindTokenIdByHashAsync(c, t, ApiTokenFormat.Hash(idOrToken.Trim()), cancellationToken).ConfigureAwait(false);
            if (id is null) throw TesseraException.NotFound("token");
            await RevokeAsync(c, t, id.Value, actor, cancellationToken).ConfigureAwait(false);
            return id.Value;
        }, cancellationToken);

    /// <summary>Revokes every live token of <paramref name="userId"/> with this name (used to replace demo tokens).</summary>
    public Task RevokeNamedAsync(Guid userId, string name, AuditActor actor, CancellationToken cancellationToken = default) =>
        database.InTransactionAsync(async (c, t) =>
        {
            var revoked = await IdentityRepository.RevokeTokensNamedAsync(c, t, userId, name, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
            if (revoked > 0)
                await AuditLog.RecordAsync(c, t, actor, time.GetUtcNow(), "token.revoke", "api_token", null, $"{revoked} token(s) named {name}", cancellationToken).ConfigureAwait(false);
        }, cancellationToken);

    private async Task RevokeAsync(System.Data.Common.DbConnection c, System.Data.Common.DbTransaction t, Guid id, AuditActor actor, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        // Revoking a revoked token changes nothing, so it is not recorded again.
        if (await IdentityRepository.RevokeTokenAsync(c, t, id, now, cancellationToken).ConfigureAwait(false) == 0) return;
        await AuditLog.RecordAsync(c, t, actor, now, "token.revoke", "api_token", id.ToString(), null, cancellationToken).ConfigureAwait(false);
    }

    private static string ValidateName(string name)
    {
        name = (name ?? "").Trim();
        if (name.Length is 0 or > MaxNameLength) throw TesseraException.Validation($"A token name must have 1 to {MaxNameLength} characters.");
        return name;
    }
}
