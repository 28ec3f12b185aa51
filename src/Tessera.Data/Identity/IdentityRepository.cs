using System.Data.Common;
using Dapper;

namespace Tessera.Data.Identity;

/// <summary>The SQL of users, organizations, memberships and tokens. Every user-scoped read filters by owner here.</summary>
internal static class IdentityRepository
{
    private const string TokenColumns =
        "id AS Id, user_id AS UserId, org_id AS OrgId, name AS Name, display_hint AS DisplayHint, scopes AS Scopes, " +
        "loopback_only AS LoopbackOnly, expires_at AS ExpiresAt, last_used_at AS LastUsedAt, revoked_at AS RevokedAt, created_at AS CreatedAt";

    public static Task<UserRecord?> FindUserByEmailAsync(DbConnection c, DbTransaction? t, string email, CancellationToken ct) =>
        c.QuerySingleOrDefaultAsync<UserRecord>(new CommandDefinition(
            "SELECT id AS Id, email AS Email, display_name AS DisplayName, password_hash AS PasswordHash, created_at AS CreatedAt FROM users WHERE email = @email",
            new { email }, t, cancellationToken: ct));

    public static Task<UserRecord?> FindUserAsync(DbConnection c, DbTransaction? t, Guid id, CancellationToken ct) =>
        c.QuerySingleOrDefaultAsync<UserRecord>(new CommandDefinition(
            "SELECT id AS Id, email AS Email, display_name AS DisplayName, password_hash AS PasswordHash, created_at AS CreatedAt FROM users WHERE id = @id",
            new { id }, t, cancellationToken: ct));

    public static Task InsertUserAsync(DbConnection c, DbTransaction t, UserRecord user, CancellationToken ct) =>
        c.ExecuteAsync(new CommandDefinition(
            "INSERT INTO users (id, email, display_name, password_hash, created_at) VALUES (@Id, @Email, @DisplayName, @PasswordHash, @CreatedAt)",
            user, t, cancellationToken: ct));

    public static Task SetPasswordHashAsync(DbConnection c, DbTransaction t, Guid userId, string hash, CancellationToken ct) =>
        c.ExecuteAsync(new CommandDefinition("UPDATE users SET password_hash = @hash WHERE id = @userId", new { userId, hash }, t, cancellationToken: ct));

    /// <summary>The organization of that name whatever its letter case (names are unique ignoring case).</summary>
    public static Task<OrganizationRecord?> FindOrganizationByNameAsync(DbConnection c, DbTransaction? t, string name, CancellationToken ct) =>
        c.QuerySingleOrDefaultAsync<OrganizationRecord>(new CommandDefinition(
            "SELECT id AS Id, name AS Name, created_at AS CreatedAt FROM organizations WHERE lower(name) = lower(@name)", new { name }, t, cancellationToken: ct));

    public static Task InsertOrganizationAsync(DbConnection c, DbTransaction t, OrganizationRecord org, CancellationToken ct) =>
        c.ExecuteAsync(new CommandDefinition(
            "INSERT INTO organizations (id, name, created_at) VALUES (@Id, @Name, @CreatedAt)", org, t, cancellationToken: ct));

    /// <summary>
    /// Holds the organization's row until the transaction ends, so membership changes that must leave an owner run one
    /// after another on PostgreSQL (under READ COMMITTED two demotions would each still count the other owner).
    /// SQLite needs nothing: its transactions take the write lock up front.
    /// </summary>
    public static Task LockOrganizationAsync(DbConnection c, DbTransaction t, SqlDialect dialect, Guid orgId, CancellationToken ct) =>
        dialect == SqlDialect.Postgres
            ? c.ExecuteAsync(new CommandDefinition("SELECT id FROM organizations WHERE id = @orgId FOR UPDATE", new { orgId }, t, cancellationToken: ct))
            : Task.CompletedTask;

    public static Task<string?> FindRoleAsync(DbConnection c, DbTransaction? t, Guid orgId, Guid userId, CancellationToken ct) =>
        c.QuerySingleOrDefaultAsync<string>(new CommandDefinition(
            "SELECT role FROM memberships WHERE org_id = @orgId AND user_id = @userId", new { orgId, userId }, t, cancellationToken: ct));

    public static async Task UpsertMembershipAsync(DbConnection c, DbTransaction t, Guid orgId, Guid userId, string role, DateTimeOffset now, CancellationToken ct) =>
        await c.ExecuteAsync(new CommandDefinition(
            "INSERT INTO memberships (org_id, user_id, role, created_at) VALUES (@orgId, @userId, @role, @now) " +
            "ON CONFLICT (org_id, user_id) DO UPDATE SET role = excluded.role",
            new { orgId, userId, role, now }, t, cancellationToken: ct)).ConfigureAwait(false);

    public static Task<MemberRecord> GetMemberAsync(DbConnection c, DbTransaction t, Guid orgId, Guid userId, CancellationToken ct) =>
        c.QuerySingleAsync<MemberRecord>(new CommandDefinition(
            "SELECT u.id AS UserId, u.email AS Email, u.display_name AS DisplayName, m.role AS Role, m.created_at AS CreatedAt " +
            "FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.org_id = @orgId AND m.user_id = @userId", new { orgId, userId }, t, cancellationToken: ct));

    public static Task<int> DeleteMembershipAsync(DbConnection c, DbTransaction t, Guid orgId, Guid userId, CancellationToken ct) =>
        c.ExecuteAsync(new CommandDefinition("DELETE FROM memberships WHERE org_id = @orgId AND user_id = @userId", new { orgId, userId }, t, cancellationToken: ct));

    public static Task<int> CountOwnersAsync(DbConnection c, DbTransaction t, Guid orgId, CancellationToken ct) =>
        c.ExecuteScalarAsync<int>(new CommandDefinition("SELECT COUNT(*) FROM memberships WHERE org_id = @orgId AND role = 'owner'", new { orgId }, t, cancellationToken: ct));

    /// <summary>The organizations <paramref name="userId"/> belongs to: membership is the filter.</summary>
    public static async Task<IReadOnlyList<OrganizationMembership>> ListOrganizationsOfAsync(DbConnection c, Guid userId, CancellationToken ct) =>
        (await c.QueryAsync<OrganizationMembership>(new CommandDefinition(
            "SELECT o.id AS Id, o.name AS Name, m.role AS Role FROM organizations o JOIN memberships m ON m.org_id = o.id " +
            "WHERE m.user_id = @userId ORDER BY o.name", new { userId }, cancellationToken: ct)).ConfigureAwait(false)).ToList();

    public static async Task<IReadOnlyList<MemberRecord>> ListMembersAsync(DbConnection c, Guid orgId, CancellationToken ct) =>
        (await c.QueryAsync<MemberRecord>(new CommandDefinition(
            "SELECT u.id AS UserId, u.email AS Email, u.display_name AS DisplayName, m.role AS Role, m.created_at AS CreatedAt " +
            "FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.org_id = @orgId ORDER BY u.email", new { orgId }, cancellationToken: ct)).ConfigureAwait(false)).ToList();

    public static Task InsertTokenAsync(DbConnection c, DbTransaction t, TokenRecord token, string tokenHash, CancellationToken ct) =>
        c.ExecuteAsync(new CommandDefinition(
            "INSERT INTO api_tokens (id, user_id, org_id, name, token_hash, display_hint, scopes, loopback_only, expires_at, created_at) " +
            "VALUES (@Id, @UserId, @OrgId, @Name, @tokenHash, @DisplayHint, @Scopes, @LoopbackOnly, @ExpiresAt, @CreatedAt)",
            new { token.Id, token.UserId, token.OrgId, token.Name, tokenHash, token.DisplayHint, token.Scopes, token.LoopbackOnly, token.ExpiresAt, token.CreatedAt },
            t, cancellationToken: ct));

    /// <summary>The presented token's row, with the role its user holds now in the token's organization.</summary>
    public static Task<TokenCredential?> FindCredentialAsync(DbConnection c, string tokenHash, CancellationToken ct) =>
        c.QuerySingleOrDefaultAsync<TokenCredential>(new CommandDefinition(
            "SELECT t.id AS Id, t.user_id AS UserId, t.org_id AS OrgId, t.token_hash AS TokenHash, t.scopes AS Scopes, t.loopback_only AS LoopbackOnly, " +
            "t.expires_at AS ExpiresAt, t.revoked_at AS RevokedAt, t.last_used_at AS LastUsedAt, m.role AS Role " +
            "FROM api_tokens t LEFT JOIN memberships m ON m.org_id = t.org_id AND m.user_id = t.user_id WHERE t.token_hash = @tokenHash",
            new { tokenHash }, cancellationToken: ct));

    /// <summary>A token's row by id, with the role its user holds now in the token's organization.</summary>
    public static Task<TokenCredential?> FindCredentialByIdAsync(DbConnection c, Guid id, CancellationToken ct) =>
        c.QuerySingleOrDefaultAsync<TokenCredential>(new CommandDefinition(
            "SELECT t.id AS Id, t.user_id AS UserId, t.org_id AS OrgId, t.token_hash AS TokenHash, t.scopes AS Scopes, t.loopback_only AS LoopbackOnly, " +
            "t.expires_at AS ExpiresAt, t.revoked_at AS RevokedAt, t.last_used_at AS LastUsedAt, m.role AS Role " +
            "FROM api_tokens t LEFT JOIN memberships m ON m.org_id = t.org_id AND m.user_id = t.user_id WHERE t.id = @id",
            new { id }, cancellationToken: ct));

    /// <summary>Moves last-used forward only, so concurrent requests never move it back.</summary>
    public static Task TouchTokenAsync(DbConnection c, Guid id, DateTimeOffset now, CancellationToken ct) =>
        c.ExecuteAsync(new CommandDefinition(
            "UPDATE api_tokens SET last_used_at = @now WHERE id = @id AND (last_used_at IS NULL OR last_used_at < @now)",
            new { id, now }, cancellationToken: ct));

    public static async Task<IReadOnlyList<TokenRecord>> ListTokensOfAsync(DbConnection c, Guid userId, CancellationToken ct) =>
        (await c.QueryAsync<TokenRecord>(new CommandDefinition(
            $"SELECT {TokenColumns} FROM api_tokens WHERE user_id = @userId ORDER BY created_at DESC", new { userId }, cancellationToken: ct)).ConfigureAwait(false)).ToList();

    public static Task<TokenRecord?> FindTokenOfAsync(DbConnection c, DbTransaction? t, Guid id, Guid userId, CancellationToken ct) =>
        c.QuerySingleOrDefaultAsync<TokenRecord>(new CommandDefinition(
            $"SELECT {TokenColumns} FROM api_tokens WHERE id = @id AND user_id = @userId", new { id, userId }, t, cancellationToken: ct));

    public static Task<TokenRecord?> FindTokenAsync(DbConnection c, DbTransaction? t, Guid id, CancellationToken ct) =>
        c.QuerySingleOrDefaultAsync<TokenRecord>(new CommandDefinition(
            $"SELECT {TokenColumns} FROM api_tokens WHERE id = @id", new { id }, t, cancellationToken: ct));

    public static Task<Guid?> FindTokenIdByHashAsync(DbConnection c, DbTransaction? t, string tokenHash, CancellationToken ct) =>
        c.QuerySingleOrDefaultAsync<Guid?>(new CommandDefinition(
            "SELECT id FROM api_tokens WHERE token_hash = @tokenHash", new { tokenHash }, t, cancellationToken: ct));

    public static Task<int> RevokeTokenAsync(DbConnection c, DbTransaction t, Guid id, DateTimeOffset now, CancellationToken ct) =>
        c.ExecuteAsync(new CommandDefinition(
            "UPDATE api_tokens SET revoked_at = @now WHERE id = @id AND revoked_at IS NULL", new { id, now }, t, cancellationToken: ct));

    /// <summary>Revokes every live token of <paramref name="userId"/> for <paramref name="orgId"/> (on leaving it).</summary>
    public static Task<int> RevokeTokensOfMemberAsync(DbConnection c, DbTransaction t, Guid orgId, Guid userId, DateTimeOffset now, CancellationToken ct) =>
        c.ExecuteAsync(new CommandDefinition(
            "UPDATE api_tokens SET revoked_at = @now WHERE org_id = @orgId AND user_id = @userId AND revoked_at IS NULL",
            new { orgId, userId, now }, t, cancellationToken: ct));

    public static Task<int> RevokeTokensNamedAsync(DbConnection c, DbTransaction t, Guid userId, string name, DateTimeOffset now, CancellationToken ct) =>
        c.ExecuteAsync(new CommandDefinition(
            "UPDATE api_tokens SET revoked_at = @now WHERE user_id = @userId AND name = @name AND revoked_at IS NULL",
            new { userId, name, now }, t, cancellationToken: ct));
}
