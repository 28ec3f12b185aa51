using System.Net.Http.Headers;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Data.Identity;

namespace Tessera.Testing.Contracts;

/// <summary>A member of an organization (made if needed) with a fresh bearer token, as a contract client of the server's own OpenAPI document.</summary>
public static class MemberClients
{
    private static readonly AuditActor TestActor = new(null, null, "test");

    public static async Task<(ContractClient Api, Guid UserId, Guid OrgId)> SignInAsync<TEntryPoint>(
        WebApplicationFactory<TEntryPoint> app, string email, string org, string role = "member")
        where TEntryPoint : class
    {
        ArgumentNullException.ThrowIfNull(app);
        var client = app.CreateClient();
        var (user, organization, _) = await app.Services.GetRequiredService<AccountService>().EnsureMemberAsync(email, org, role, TestActor).ConfigureAwait(false);
        var token = await app.Services.GetRequiredService<TokenService>()
            .IssueAsync(user.Id, organization.Id, "test", [], TimeSpan.FromDays(1), loopbackOnly: false, TestActor).ConfigureAwait(false);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.Token);
        var document = await client.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative)).ConfigureAwait(false);
        return (new ContractClient(client, OpenApiContract.Parse(document)), user.Id, organization.Id);
    }
}
