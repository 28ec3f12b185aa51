using System.Data.Common;
using Dapper;

namespace Tessera.Data.Identity.Providers;

/// <summary>The SQL of identity providers and the external identities linked to users; reads by organization filter by it here.</summary>
internal static class IdentityProviderRepository
{
    private const string Columns =
        "id AS Id, org_id AS OrgId, name AS Name, issuer AS Issuer, client_id AS ClientId, client_secret AS ClientSecret, audience AS Audience, " +
        "scopes AS Scopes, allowed_email_domains AS AllowedEmailDomains, claim_subject AS ClaimSubject, claim_email AS ClaimEmail, " +
        "claim_name AS ClaimName, claim_roles AS ClaimRoles, role_mappings AS RoleMappings, default_role AS DefaultRole, allow_jit AS AllowJit, created_at AS CreatedAt";

    public static Task InsertAsync(DbConnection c, DbTransaction t, IdentityProviderRow row, CancellationToken ct) =>
        c.ExecuteAsync(new CommandDefinition(
            "INSERT INTO identity_providers (id, org_id, name, issuer, client_id, client_secret, audience, scopes, allowed_email_domains, " +
            "claim_subject, claim_email, claim_name, claim_roles, role_mappings, default_role, allow_jit, created_at) VALUES " +
            "(@Id, @OrgId, @Name, @Issuer, @ClientId, @ClientSecret, @Audience, @Scopes, @AllowedEmailDomains, " +
            "@ClaimSubject, @ClaimEmail, @ClaimName, @ClaimRoles, @RoleMappings, @DefaultRole, @AllowJit, @CreatedAt)",
            row, t, cancellationToken: ct));

    public static async Task<IReadOnlyList<IdentityProviderRow>> ListOfOrganizationAsync(DbConnection c, DbTransaction? t, Guid orgId, CancellationToken ct) =>
        (await c.QueryAsync<IdentityProviderRow>(new CommandDefinition(
            $"SELECT {Columns} FROM identity_providers WHERE org_id = @orgId ORDER BY name", new { orgId }, t, cancellationToken: ct)).ConfigureAwait(false)).AsList();

    public static async Task<IReadOnlyList<IdentityProviderRow>> ListByIssuerAsync(DbConnection c, string issuer, CancellationToken ct) =>
        (await c.QueryAsync<IdentityProviderRow>(new CommandDefinition(
            $"SELECT {Columns} FROM identity_providers WHERE issuer = @issuer ORDER BY created_at", new { issuer }, cancellationToken: ct)).ConfigureAwait(false)).AsList();

    public static Task<IdentityProviderRow?> FindAsync(DbConnection c, Guid id, CancellationToken ct) =>
        c.QuerySingleOrDefaultAsync<IdentityProviderRow>(new CommandDefinition(
            $"SELECT {Columns} FROM identity_providers WHERE id = @id", new { id }, cancellationToken: ct));

    /// <summary>The providers of the organization named <paramref name="orgName"/>: the choices its sign-in page offers.</summary>
    public static async Task<IReadOnlyList<SignInChoice>> ListChoicesOfOrganizationAsync(DbConnection c, string orgName, CancellationToken ct) =>
        (await c.QueryAsync<SignInChoice>(new CommandDefinition(
            "SELECT p.id AS ProviderId, p.name AS Name FROM identity_providers p JOIN organizations o ON o.id = p.org_id WHERE o.name = @orgName ORDER BY p.name",
            new { orgName }, cancellationToken: ct)).ConfigureAwait(false)).AsList();

    public static Task<int> DeleteAsync(DbConnection c, DbTransaction t, Guid orgId, Guid id, CancellationToken ct) =>
        c.ExecuteAsync(new CommandDefinition("DELETE FROM identity_providers WHERE id = @id AND org_id = @orgId", new { id, orgId }, t, cancellationToken: ct));

    public static Task<string?> FindSealedSecretAsync(DbConnection c, Guid orgId, Guid id, CancellationToken ct) =>
        c.QuerySingleOrDefaultAsync<string>(new CommandDefinition(
            "SELECT client_secret FROM identity_providers WHERE id = @id AND org_id = @orgId", new { id, orgId }, cancellationToken: ct));

    /// <summary>The user behind (issuer, subject) and their role in <paramref name="orgId"/>, in one query.</summary>
    public static Task<LinkedIdentity?> FindLinkedAsync(DbConnection c, DbTransaction? t, string issuer, string subject, Guid orgId, CancellationToken ct) =>
        c.QuerySingleOrDefaultAsync<LinkedIdentity>(new CommandDefinition(
            "SELECT i.id AS Id, i.user_id AS UserId, m.role AS Role, i.last_seen_at AS LastSeenAt FROM identities i " +
            "LEFT JOIN memberships m ON m.user_id = i.user_id AND m.org_id = @orgId WHERE i.issuer = @issuer AND i.subject = @subject",
            new { issuer, subject, orgId }, t, cancellationToken: ct));

    public static Task InsertIdentityAsync(DbConnection c, DbTransaction t, Guid id, Guid providerId, string issuer, string subject, Guid userId, DateTimeOffset now, CancellationToken ct) =>
        c.ExecuteAsync(new CommandDefinition(
            "INSERT INTO identities (id, provider_id, issuer, subject, user_id, created_at, last_seen_at) VALUES (@id, @providerId, @issuer, @subject, @userId, @now, @now)",
            new { id, providerId, issuer, subject, userId, now }, t, cancellationToken: ct));

    public static Task TouchIdentityAsync(DbConnection c, DbTransaction t, Guid id, DateTimeOffset now, CancellationToken ct) =>
        c.ExecuteAsync(new CommandDefinition("UPDATE identities SET last_seen_at = @now WHERE id = @id", new { id, now }, t, cancellationToken: ct));
}
