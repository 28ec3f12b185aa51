using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Tessera.Core.Identity;
using Tessera.Testing;
using static Tessera.Server.Tests.AuthTestKit;

namespace Tessera.Server.Tests;

public class AuthorizationTests
{
    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task Another_users_or_orgs_resource_answers_a_404_byte_identical_to_a_nonexistent_one(string dialect)
    {
        await using var app = await TesseraAppFactory.CreateAsync(dialect);
        var (alice, _, _, _) = await SignInAsync(app, "alice@example.com", "alpha");
        var (_, bobToken, _, bobOrg) = await SignInAsync(app, "bob@example.com", "beta");
        var (_, carolToken, _, _) = await SignInAsync(app, "carol@example.com", "alpha");

        var pairs = new (HttpMethod Method, string Theirs, string Missing)[]
        {
            (HttpMethod.Delete, $"/api/v1/tokens/{bobToken.Record.Id}", $"/api/v1/tokens/{Guid.CreateVersion7()}"),
            (HttpMethod.Delete, $"/api/v1/tokens/{carolToken.Record.Id}", $"/api/v1/tokens/{Guid.CreateVersion7()}"),
            (HttpMethod.Get, $"/api/v1/orgs/{bobOrg}/members", $"/api/v1/orgs/{Guid.CreateVersion7()}/members"),
            (HttpMethod.Delete, $"/api/v1/orgs/{bobOrg}/members/{Guid.CreateVersion7()}", $"/api/v1/orgs/{Guid.CreateVersion7()}/members/{Guid.CreateVersion7()}"),
        };
        foreach (var (method, theirs, missing) in pairs)
        {
            var a = await alice.SendAsync(new HttpRequestMessage(method, theirs));
            var b = await alice.SendAsync(new HttpRequestMessage(method, missing));
            Assert.Equal(HttpStatusCode.NotFound, a.StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, b.StatusCode);
            Assert.Equal(await b.Content.ReadAsByteArrayAsync(), await a.Content.ReadAsByteArrayAsync());
            Assert.Equal(Headers(b), Headers(a));
        }

        // Bob's and Carol's tokens still work: nothing was revoked by Alice's attempts.
        await using var connection = await app.Database.Database.OpenConnectionAsync();
        Assert.Equal(0, await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM api_tokens WHERE revoked_at IS NOT NULL"));
    }

    public static TheoryData<string, string, HttpStatusCode> RoleMatrix => new()
    {
        { Roles.Owner, "list-members", HttpStatusCode.OK },
        { Roles.Admin, "list-members", HttpStatusCode.OK },
        { Roles.Member, "list-members", HttpStatusCode.Forbidden },
        { Roles.Viewer, "list-members", HttpStatusCode.Forbidden },
        { Roles.Owner, "add-member", HttpStatusCode.OK },
        { Roles.Admin, "add-member", HttpStatusCode.OK },
        { Roles.Member, "add-member", HttpStatusCode.Forbidden },
        { Roles.Viewer, "add-member", HttpStatusCode.Forbidden },
        { Roles.Owner, "make-owner", HttpStatusCode.OK },
        { Roles.Admin, "make-owner", HttpStatusCode.Forbidden },
        { Roles.Owner, "token-runs-write", HttpStatusCode.Created },
        { Roles.Member, "token-runs-write", HttpStatusCode.Created },
        { Roles.Viewer, "token-runs-write", HttpStatusCode.Forbidden },
        { Roles.Viewer, "token-runs-read", HttpStatusCode.Created },
        { Roles.Viewer, "list-tokens", HttpStatusCode.OK },
        { Roles.Owner, "create-org", HttpStatusCode.Created },
        { Roles.Admin, "create-org", HttpStatusCode.Created },
        { Roles.Member, "create-org", HttpStatusCode.Created },
        { Roles.Viewer, "create-org", HttpStatusCode.Forbidden },
    };

    [Theory]
    [MemberData(nameof(RoleMatrix))]
    public async Task Each_role_may_do_exactly_what_its_permissions_allow(string role, string action, HttpStatusCode expected)
    {
        await using var app = await TesseraAppFactory.CreateAsync("sqlite");
        await SignInAsync(app, "owner@example.com", "acme", Roles.Owner);
        await SignInAsync(app, "other@example.com", "acme", Roles.Member);
        var (client, _, _, org) = await SignInAsync(app, $"{role}@example.com", "acme", role);

        var response = action switch
        {
            "list-members" => await client.GetAsync(new Uri($"/api/v1/orgs/{org}/members", UriKind.Relative)),
            "add-member" => await client.PutAsJsonAsync($"/api/v1/orgs/{org}/members", new { email = "other@example.com", role = "viewer" }),
            "make-owner" => await client.PutAsJsonAsync($"/api/v1/orgs/{org}/members", new { email = "other@example.com", role = "owner" }),
            "token-runs-write" => await client.PostAsJsonAsync("/api/v1/tokens", new { name = "ci", scopes = new[] { Permissions.RunsWrite } }),
            "token-runs-read" => await client.PostAsJsonAsync("/api/v1/tokens", new { name = "ci", scopes = new[] { Permissions.RunsRead } }),
            "list-tokens" => await client.GetAsync(new Uri("/api/v1/tokens", UriKind.Relative)),
            "create-org" => await client.PostAsJsonAsync("/api/v1/orgs", new { name = $"{role}-side-project" }),
            _ => throw new ArgumentOutOfRangeException(nameof(action)),
        };
        Assert.Equal(expected, response.StatusCode);
    }

    [Fact]
    public void The_role_permission_table_is_what_the_documentation_promises()
    {
        Assert.Equal(Permissions.All.ToHashSet(), Roles.PermissionsOf(Roles.Owner).ToHashSet());
        Assert.DoesNotContain(Permissions.OrgsAdmin, Roles.PermissionsOf(Roles.Admin));
        Assert.Contains(Permissions.MembersManage, Roles.PermissionsOf(Roles.Admin));
        Assert.DoesNotContain(Permissions.MembersManage, Roles.PermissionsOf(Roles.Member));
        Assert.Contains(Permissions.RunsWrite, Roles.PermissionsOf(Roles.Member));
        Assert.DoesNotContain(Permissions.TasksDefine, Roles.PermissionsOf(Roles.Member));
        Assert.All(Roles.PermissionsOf(Roles.Viewer), p => Assert.True(p.EndsWith(":read", StringComparison.Ordinal) || p == Permissions.TokensManage));
        Assert.Empty(Roles.PermissionsOf("intruder"));
        Assert.Contains(Permissions.OrgsCreate, Roles.PermissionsOf(Roles.Member));
        Assert.DoesNotContain(Permissions.OrgsCreate, Roles.PermissionsOf(Roles.Viewer));
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task A_token_scoped_to_reading_jobs_cannot_create_an_organization(string dialect)
    {
        await using var app = await TesseraAppFactory.CreateAsync(dialect);
        var (client, _, _, _) = await SignInAsync(app, "olga@example.com", "acme", Roles.Owner, scopes: [Permissions.JobsRead]);

        var response = await client.PostAsJsonAsync("/api/v1/orgs", new { name = "sneaky" });
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("FORBIDDEN", await CodeOf(response));
        await using var connection = await app.Database.Database.OpenConnectionAsync();
        Assert.Equal(0, await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM organizations WHERE name = 'sneaky'"));
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task Removing_a_member_revokes_their_tokens_for_that_organization_and_adding_them_again_does_not_revive_them(string dialect)
    {
        await using var app = await TesseraAppFactory.CreateAsync(dialect);
        var (owner, _, _, org) = await SignInAsync(app, "olivia@example.com", "acme", Roles.Owner);
        var (bob, _, bobId, _) = await SignInAsync(app, "bob@example.com", "acme", Roles.Member);
        var (bobElsewhere, _, _, _) = await SignInAsync(app, "bob@example.com", "bobs-own", Roles.Owner);
        var me = new Uri("/api/v1/me", UriKind.Relative);
        Assert.Equal(HttpStatusCode.OK, (await bob.GetAsync(me)).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await owner.DeleteAsync(new Uri($"/api/v1/orgs/{org}/members/{bobId}", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await owner.PutAsJsonAsync($"/api/v1/orgs/{org}/members", new { email = "bob@example.com", role = "member" })).StatusCode);

        var revived = await bob.GetAsync(me);
        Assert.Equal(HttpStatusCode.Unauthorized, revived.StatusCode);
        Assert.Equal("TOKEN_REVOKED", await CodeOf(revived));
        // Only that organization's tokens: Bob's token for his own organization still works.
        Assert.Equal(HttpStatusCode.OK, (await bobElsewhere.GetAsync(me)).StatusCode);
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task Token_hashes_never_appear_in_any_response_and_secrets_only_when_issued(string dialect)
    {
        await using var app = await TesseraAppFactory.CreateAsync(dialect);
        var (client, token, _, org) = await SignInAsync(app, "dana@example.com", "acme", Roles.Owner);
        var bodies = new List<string>();
        async Task<string> Read(HttpResponseMessage r)
        {
            var body = await r.Content.ReadAsStringAsync();
            bodies.Add(body);
            return body;
        }

        var created = JsonDocument.Parse(await Read(await client.PostAsJsonAsync("/api/v1/tokens", new { name = "second" }))).RootElement;
        var secondSecret = created.GetProperty("token").GetString()!;
        await Read(await client.GetAsync(new Uri("/api/v1/tokens", UriKind.Relative)));
        await Read(await client.GetAsync(new Uri("/api/v1/me", UriKind.Relative)));
        await Read(await client.GetAsync(new Uri("/api/v1/orgs", UriKind.Relative)));
        await Read(await client.GetAsync(new Uri($"/api/v1/orgs/{org}/members", UriKind.Relative)));

        await using var connection = await app.Database.Database.OpenConnectionAsync();
        var hashes = (await connection.QueryAsync<string>("SELECT token_hash FROM api_tokens")).ToList();
        Assert.Equal(2, hashes.Count);
        foreach (var body in bodies)
        {
            foreach (var hash in hashes) Assert.DoesNotContain(hash, body, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(token.Token, body, StringComparison.Ordinal);
        }
        Assert.Single(bodies, b => b.Contains(secondSecret, StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task Writes_are_audited_with_who_what_and_where(string dialect)
    {
        await using var app = await TesseraAppFactory.CreateAsync(dialect);
        var (client, _, userId, _) = await SignInAsync(app, "erin@example.com", "acme", Roles.Owner);
        var created = await client.PostAsJsonAsync("/api/v1/tokens", new { name = "audited" });
        var id = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("details").GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync(new Uri($"/api/v1/tokens/{id}", UriKind.Relative))).StatusCode);

        await using var connection = await app.Database.Database.OpenConnectionAsync();
        var actions = (await connection.QueryAsync<(string Action, string ResourceId, Guid? UserId)>(
            "SELECT action, resource_id, user_id FROM audit_log WHERE resource_id = @id ORDER BY occurred_at", new { id = id.ToString() })).ToList();
        Assert.Equal(["token.create", "token.revoke"], actions.Select(a => a.Action));
        Assert.All(actions, a => Assert.Equal(userId, a.UserId));
    }

    private static string Headers(HttpResponseMessage response) =>
        string.Join("\n", response.Headers.Concat(response.Content.Headers)
            .Where(h => h.Key != "Date")
            .OrderBy(h => h.Key, StringComparer.Ordinal)
            .Select(h => $"{h.Key}: {string.Join(",", h.Value)}"));
}
