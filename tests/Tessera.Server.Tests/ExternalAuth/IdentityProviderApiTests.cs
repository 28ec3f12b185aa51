using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Data.Identity.Providers;
using Tessera.Testing;
using static Tessera.Server.Tests.AuthTestKit;
using static Tessera.Server.Tests.ExternalAuth.ExternalAuthKit;

namespace Tessera.Server.Tests.ExternalAuth;

/// <summary>Managing an organization's identity providers through the API: admins only, secrets write-only, inputs checked.</summary>
public class IdentityProviderApiTests
{
    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task Admins_add_list_and_remove_providers_and_the_secret_never_comes_back(string dialect)
    {
        await using var provider = await OidcTestProvider.StartAsync();
        await using var app = await CreateAppAsync(dialect);
        var (owner, _, _, orgId) = await SignInAsync(app, "owner@acme.test", "acme", "owner");

        var added = await AddProviderAsync(owner, orgId, ProviderBody(provider, secret: "s3cret-client-secret"));
        var listed = await owner.GetStringAsync(new Uri($"/api/v1/orgs/{orgId}/identity-providers", UriKind.Relative));

        Assert.True(added.GetProperty("has_client_secret").GetBoolean());
        Assert.Equal(provider.Issuer, added.GetProperty("issuer").GetString());
        Assert.Equal(Audience, added.GetProperty("audience").GetString());
        Assert.Equal("sub", added.GetProperty("claims").GetProperty("subject").GetString());
        Assert.DoesNotContain("s3cret", added.GetRawText(), StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", listed, StringComparison.Ordinal);
        Assert.Single(JsonDocument.Parse(listed).RootElement.EnumerateArray());
        // Stored sealed, and opened only with the key outside the database.
        var id = added.GetProperty("id").GetGuid();
        await using (var connection = await app.Database.Database.OpenConnectionAsync())
        {
            var stored = await connection.ExecuteScalarAsync<string>("SELECT client_secret FROM identity_providers WHERE id = @id", new { id });
            Assert.StartsWith("v1:", stored, StringComparison.Ordinal);
            Assert.DoesNotContain("s3cret", stored, StringComparison.Ordinal);
        }
        Assert.Equal("s3cret-client-secret", await app.Services.GetRequiredService<IdentityProviderService>().ClientSecretAsync(orgId, id));
        Assert.True(File.Exists(Path.Combine(app.Database.DataDir, "keys", "secrets.key")));

        await provider.SetAccountAsync("alice", new { groups = new[] { "tessera-users" } });
        var alice = await ClientOfAsync(app, provider, "alice");
        Assert.Equal("member", await RoleOrCodeAsync(alice, "acme"));
        Assert.Equal(HttpStatusCode.NoContent, (await owner.DeleteAsync(new Uri($"/api/v1/orgs/{orgId}/identity-providers/{id}", UriKind.Relative))).StatusCode);
        Assert.Equal("TOKEN_ISSUER_UNKNOWN", await RoleOrCodeAsync(alice, "acme"));
        Assert.Equal(HttpStatusCode.NotFound, (await owner.DeleteAsync(new Uri($"/api/v1/orgs/{orgId}/identity-providers/{id}", UriKind.Relative))).StatusCode);
        Assert.Single(await AuditDetailsAsync(app, "idp.create"));
        Assert.Single(await AuditDetailsAsync(app, "idp.remove"));
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task Members_get_403_and_outsiders_404(string dialect)
    {
        await using var provider = await OidcTestProvider.StartAsync();
        await using var app = await CreateAppAsync(dialect);
        var (owner, _, _, orgId) = await SignInAsync(app, "owner@acme.test", "acme", "owner");
        var (member, _, _, _) = await SignInAsync(app, "member@acme.test", "acme", "member");
        var (outsider, _, _, _) = await SignInAsync(app, "someone@else.test", "elsewhere", "owner");
        var path = new Uri($"/api/v1/orgs/{orgId}/identity-providers", UriKind.Relative);

        Assert.Equal(HttpStatusCode.Forbidden, (await member.GetAsync(path)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await member.PostAsJsonAsync(path, ProviderBody(provider))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await outsider.GetAsync(path)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await outsider.PostAsJsonAsync(path, ProviderBody(provider))).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await owner.PostAsJsonAsync(path, ProviderBody(provider))).StatusCode);
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task Bad_issuers_roles_and_duplicates_are_refused(string dialect)
    {
        await using var provider = await OidcTestProvider.StartAsync();
        await using var app = await CreateAppAsync(dialect);
        var (owner, _, _, orgId) = await SignInAsync(app, "owner@acme.test", "acme", "owner");
        var path = new Uri($"/api/v1/orgs/{orgId}/identity-providers", UriKind.Relative);

        // Plain http only on a loopback address: a name such as localhost could resolve elsewhere.
        foreach (var issuer in new[] { "not a url", "http://idp.example.com", "https://idp.example.com/?tenant=1", "ftp://127.0.0.1/", "http://localhost:9000" })
        {
            var refused = await owner.PostAsJsonAsync(path, new { name = "x", issuer, client_id = "tessera" });
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Equal("VALIDATION_FAILED", await CodeOf(refused));
        }
        var ownerByClaim = await owner.PostAsJsonAsync(path, new { name = "x", issuer = "https://idp.example.com", client_id = "tessera", role_mappings = new Dictionary<string, string> { ["boss"] = "owner" } });
        Assert.Equal(HttpStatusCode.BadRequest, ownerByClaim.StatusCode);
        // A subject other than the issuer's own `sub` (a claim a user might edit) would let one provider's user be resolved
        // to an account another provider of the same issuer linked.
        var nickname = await owner.PostAsJsonAsync(path, new { name = "x", issuer = "https://idp.example.com", client_id = "tessera", claims = new { subject = "nickname" } });
        Assert.Equal(HttpStatusCode.BadRequest, nickname.StatusCode);
        Assert.Equal("VALIDATION_FAILED", await CodeOf(nickname));
        Assert.Contains("must be 'sub'", await nickname.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Created, (await owner.PostAsJsonAsync(path, ProviderBody(provider))).StatusCode);
        var sameName = await owner.PostAsJsonAsync(path, ProviderBody(provider));
        Assert.Equal(HttpStatusCode.Conflict, sameName.StatusCode);
        Assert.Equal("IDP_TAKEN", await CodeOf(sameName));
        // Another provider for the same issuer and audience would make a token's organization ambiguous.
        Assert.Equal(HttpStatusCode.Conflict, (await owner.PostAsJsonAsync(path, ProviderBody(provider, name: "again"))).StatusCode);
    }
}
