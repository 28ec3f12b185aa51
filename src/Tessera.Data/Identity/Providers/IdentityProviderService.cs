using System.Data.Common;
using Tessera.Core.Errors;
using Tessera.Core.Identity;

namespace Tessera.Data.Identity.Providers;

/// <summary>
/// An organization's identity providers, managed by its admins (<c>members:manage</c>, as roles are) or by the operator
/// on the local data (CLI). A non-member gets 404 for the organization, a member without the permission 403.
/// The client secret goes in sealed (<see cref="SecretBox"/>) and never comes out through here.
/// </summary>
public sealed class IdentityProviderService(TesseraDatabase database, SecretBox secrets, IdentityProviderDirectory directory, TimeProvider time)
{
    public async Task<IReadOnlyList<IdentityProviderRecord>> ListAsync(Principal principal, Guid orgId, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await RequireManagerAsync(connection, null, principal, orgId, cancellationToken).ConfigureAwait(false);
        return await ListAsync(connection, orgId, cancellationToken).ConfigureAwait(false);
    }

    public Task<IdentityProviderRecord> AddAsync(Principal principal, Guid orgId, IdentityProviderInput input, AuditActor actor, CancellationToken cancellationToken = default) =>
        AddAsync(orgId, input, actor, (c, t) => RequireManagerAsync(c, t, principal, orgId, cancellationToken), cancellationToken);

    public Task RemoveAsync(Principal principal, Guid orgId, Guid providerId, AuditActor actor, CancellationToken cancellationToken = default) =>
        database.InTransactionAsync(async (c, t) =>
        {
            await RequireManagerAsync(c, t, principal, orgId, cancellationToken).ConfigureAwait(false);
            await DeleteAsync(c, t, orgId, providerId, actor, cancellationToken).ConfigureAwait(false);
        }, cancellationToken);

    /// <summary>Operator commands (CLI) name the organization and need no principal.</summary>
    public async Task<IReadOnlyList<IdentityProviderRecord>> ListForOperatorAsync(string orgName, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var org = await FindOrganizationAsync(connection, null, orgName, cancellationToken).ConfigureAwait(false);
        return await ListAsync(connection, org.Id, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IdentityProviderRecord> AddForOperatorAsync(string orgName, IdentityProviderInput input, AuditActor actor, CancellationToken cancellationToken = default)
    {
        OrganizationRecord org;
        await using (var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
            org = await FindOrganizationAsync(connection, null, orgName, cancellationToken).ConfigureAwait(false);
        return await AddAsync(org.Id, input, actor, (_, _) => Task.CompletedTask, cancellationToken).ConfigureAwait(false);
    }

    public Task RemoveForOperatorAsync(string orgName, string providerName, AuditActor actor, CancellationToken cancellationToken = default) =>
        database.InTransactionAsync(async (c, t) =>
        {
            var org = await FindOrganizationAsync(c, t, orgName, cancellationToken).ConfigureAwait(false);
            var providers = await IdentityProviderRepository.ListOfOrganizationAsync(c, t, org.Id, cancellationToken).ConfigureAwait(false);
            var provider = providers.FirstOrDefault(p => p.Name == providerName.Trim()) ?? throw TesseraException.NotFound("identity provider");
            await DeleteAsync(c, t, org.Id, provider.Id, actor, cancellationToken).ConfigureAwait(false);
        }, cancellationToken);

    /// <summary>
    /// The providers the sign-in page offers for the organization named <paramref name="orgName"/> (ids and names only,
    /// for anyone: the person is not signed in yet). An unknown or invalid name offers none.
    /// </summary>
    public async Task<IReadOnlyList<SignInChoice>> ListSignInChoicesAsync(string orgName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(orgName);
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await IdentityProviderRepository.ListChoicesOfOrganizationAsync(connection, orgName.Trim(), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The provider a sign-in starts or completes with, or null when it no longer exists.</summary>
    public async Task<IdentityProviderRecord?> FindForSignInAsync(Guid providerId, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var row = await IdentityProviderRepository.FindAsync(connection, providerId, cancellationToken).ConfigureAwait(false);
        return row is null ? null : IdentityProviderInputs.ToRecord(row);
    }

    /// <summary>The provider's client secret in plain text (for the sign-in flow's token request), or null when none is stored.</summary>
    public async Task<string?> ClientSecretAsync(Guid orgId, Guid providerId, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var sealedSecret = await IdentityProviderRepository.FindSealedSecretAsync(connection, orgId, providerId, cancellationToken).ConfigureAwait(false);
        return sealedSecret is null ? null : secrets.Open(sealedSecret);
    }

    private async Task<IdentityProviderRecord> AddAsync(
        Guid orgId, IdentityProviderInput input, AuditActor actor, Func<DbConnection, DbTransaction, Task> authorize, CancellationToken cancellationToken)
    {
        var row = IdentityProviderInputs.ToRow(input, orgId, secrets, time.GetUtcNow());
        try
        {
            await database.InTransactionAsync(async (c, t) =>
            {
                await authorize(c, t).ConfigureAwait(false);
                if ((await IdentityProviderRepository.ListOfOrganizationAsync(c, t, orgId, cancellationToken).ConfigureAwait(false)).Any(p => p.Name == row.Name))
                    throw Taken(row);
                await IdentityProviderRepository.InsertAsync(c, t, row, cancellationToken).ConfigureAwait(false);
                await AuditLog.RecordAsync(c, t, actor with { OrgId = orgId }, row.CreatedAt, "idp.create", "identity_provider", row.Id.ToString(), $"{row.Name} {row.Issuer}", cancellationToken).ConfigureAwait(false);
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (DbException e) when (UniqueViolation.Is(e))
        {
            throw Taken(row);
        }
        directory.Forget(row.Issuer);
        return IdentityProviderInputs.ToRecord(row);
    }

    private async Task DeleteAsync(DbConnection c, DbTransaction t, Guid orgId, Guid providerId, AuditActor actor, CancellationToken cancellationToken)
    {
        var provider = (await IdentityProviderRepository.ListOfOrganizationAsync(c, t, orgId, cancellationToken).ConfigureAwait(false)).FirstOrDefault(p => p.Id == providerId)
            ?? throw TesseraException.NotFound("identity provider");
        await IdentityProviderRepository.DeleteAsync(c, t, orgId, providerId, cancellationToken).ConfigureAwait(false);
        await AuditLog.RecordAsync(c, t, actor with { OrgId = orgId }, time.GetUtcNow(), "idp.remove", "identity_provider", providerId.ToString(), $"{provider.Name} {provider.Issuer}", cancellationToken).ConfigureAwait(false);
        directory.Forget(provider.Issuer);
    }

    private static async Task<IReadOnlyList<IdentityProviderRecord>> ListAsync(DbConnection connection, Guid orgId, CancellationToken cancellationToken) =>
        (await IdentityProviderRepository.ListOfOrganizationAsync(connection, null, orgId, cancellationToken).ConfigureAwait(false)).Select(IdentityProviderInputs.ToRecord).ToList();

    private static async Task<OrganizationRecord> FindOrganizationAsync(DbConnection c, DbTransaction? t, string orgName, CancellationToken cancellationToken) =>
        await IdentityRepository.FindOrganizationByNameAsync(c, t, AccountService.ValidateOrgName(orgName), cancellationToken).ConfigureAwait(false)
        ?? throw TesseraException.NotFound("organization");

    /// <summary>As for members: a non-member sees 404, a member without <c>members:manage</c> in this organization 403.</summary>
    private static async Task RequireManagerAsync(DbConnection c, DbTransaction? t, Principal principal, Guid orgId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(principal);
        _ = await IdentityRepository.FindRoleAsync(c, t, orgId, principal.UserId, cancellationToken).ConfigureAwait(false)
            ?? throw TesseraException.NotFound("organization");
        if (principal.OrgId != orgId || !principal.Has(Permissions.MembersManage))
            throw new TesseraException(ErrorCodes.Forbidden, 403, $"Managing identity providers needs the '{Permissions.MembersManage}' permission in this organization.");
    }

    private static TesseraException Taken(IdentityProviderRow row) => TesseraException.Conflict(
        "IDP_TAKEN", $"The organization already has a provider named '{row.Name}', or another provider accepts issuer '{row.Issuer}' with audience '{row.Audience}'.");
}
