using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Core.Security;
using Tessera.Data.Identity;
using Tessera.Testing;
using static Tessera.Server.Tests.AuthTestKit;

namespace Tessera.Server.Tests;

/// <summary>
/// Tokens, memberships and passwords under many conflicting requests at once, on both dialects: no server errors,
/// conflicts answer 409 or 404 as a lone request would, and what is stored afterwards is consistent.
/// </summary>
public class IdentityRaceTests
{
    private const int Requests = 12;

    private static async Task<JsonElement> Json(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    private static async Task<long> AuditCountAsync(TesseraAppFactory app, string action, string resourceId)
    {
        await using var connection = await app.Database.Database.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM audit_log WHERE action = @action AND resource_id = @resourceId", new { action, resourceId });
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task Creating_tokens_at_once_gives_each_request_its_own_token(string dialect)
    {
        await using var app = await TesseraAppFactory.CreateAsync(dialect);
        var (client, _, _, _) = await SignInAsync(app, "alice@example.com", "lab");

        var responses = await Races.RunAsync(Requests, i => client.PostAsJsonAsync("/api/v1/tokens", new { name = "same name" }));

        await Races.AssertNoServerErrorsAsync(responses);
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        var ids = new List<string>();
        foreach (var response in responses) ids.Add((await Json(response)).GetProperty("details").GetProperty("id").GetString()!);
        Assert.Equal(Requests, ids.Distinct().Count());
        var listed = (await Json(await client.GetAsync(new Uri("/api/v1/tokens", UriKind.Relative)))).EnumerateArray().Select(t => t.GetProperty("id").GetString()).ToList();
        Assert.All(ids, id => Assert.Contains(id, listed));
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task Revoking_one_token_many_times_at_once_revokes_it_once(string dialect)
    {
        await using var app = await TesseraAppFactory.CreateAsync(dialect);
        var (client, _, _, _) = await SignInAsync(app, "alice@example.com", "lab");
        var minted = await Json(await client.PostAsJsonAsync("/api/v1/tokens", new { name = "doomed" }));
        var id = minted.GetProperty("details").GetProperty("id").GetString()!;

        var responses = await Races.RunAsync(Requests, _ => client.DeleteAsync(new Uri($"/api/v1/tokens/{id}", UriKind.Relative)));

        await Races.AssertNoServerErrorsAsync(responses);
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.NoContent, r.StatusCode));
        using var revoked = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/v1/me", UriKind.Relative));
        revoked.Headers.Authorization = new("Bearer", minted.GetProperty("token").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.SendAsync(revoked)).StatusCode);
        // One revocation happened, so the audit log records one.
        Assert.Equal(1, await AuditCountAsync(app, "token.revoke", id));
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task Adding_one_member_many_times_at_once_leaves_one_membership(string dialect)
    {
        await using var app = await TesseraAppFactory.CreateAsync(dialect);
        var (owner, _, _, orgId) = await SignInAsync(app, "owner@example.com", "lab", role: "owner");
        await app.Services.GetRequiredService<AccountService>().EnsureMemberAsync("newcomer@example.com", "elsewhere", null, new AuditActor(null, null, "test"));

        var responses = await Races.RunAsync(Requests, i => owner.PutAsJsonAsync(
            new Uri($"/api/v1/orgs/{orgId}/members", UriKind.Relative), new { email = "newcomer@example.com", role = i % 2 == 0 ? "member" : "admin" }));

        await Races.AssertNoServerErrorsAsync(responses);
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var members = (await Json(await owner.GetAsync(new Uri($"/api/v1/orgs/{orgId}/members", UriKind.Relative)))).EnumerateArray()
            .Where(m => m.GetProperty("email").GetString() == "newcomer@example.com").ToList();
        var member = Assert.Single(members);
        Assert.Contains(member.GetProperty("role").GetString(), new[] { "member", "admin" });
        // Every answer shows the one membership's creation time.
        foreach (var response in responses)
            Assert.Equal(member.GetProperty("created_at").GetString(), (await Json(response)).GetProperty("created_at").GetString());
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task Removing_one_member_many_times_at_once_removes_them_once(string dialect)
    {
        await using var app = await TesseraAppFactory.CreateAsync(dialect);
        var (owner, _, _, orgId) = await SignInAsync(app, "owner@example.com", "lab", role: "owner");
        var (_, _, leaverId, _) = await SignInAsync(app, "leaver@example.com", "lab", role: "member");

        var responses = await Races.RunAsync(Requests, _ => owner.DeleteAsync(new Uri($"/api/v1/orgs/{orgId}/members/{leaverId}", UriKind.Relative)));

        await Races.AssertNoServerErrorsAsync(responses);
        var counts = Races.CountByStatus(responses);
        Assert.Equal(1, counts.GetValueOrDefault(HttpStatusCode.NoContent));
        Assert.Equal(Requests - 1, counts.GetValueOrDefault(HttpStatusCode.NotFound));
        Assert.Equal(1, await AuditCountAsync(app, "membership.remove", $"{orgId}/{leaverId}"));
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task Owners_removing_each_other_at_once_always_leave_an_owner(string dialect)
    {
        const int Owners = 6;
        await using var app = await TesseraAppFactory.CreateAsync(dialect);
        var owners = new List<(HttpClient Client, Guid UserId, Guid OrgId)>();
        for (var i = 0; i < Owners; i++)
        {
            var (client, _, userId, orgId) = await SignInAsync(app, $"owner{i}@example.com", "ring", role: "owner");
            owners.Add((client, userId, orgId));
        }
        var orgId0 = owners[0].OrgId;

        // Each owner removes the next one round the ring, all at once.
        var responses = await Races.RunAsync(Owners, i => owners[i].Client.DeleteAsync(
            new Uri($"/api/v1/orgs/{orgId0}/members/{owners[(i + 1) % Owners].UserId}", UriKind.Relative)));

        await Races.AssertNoServerErrorsAsync(responses);
        // 401: an owner already removed has lost the token they send.
        Assert.All(responses, r => Assert.Contains(r.StatusCode, new[] { HttpStatusCode.NoContent, HttpStatusCode.NotFound, HttpStatusCode.Conflict, HttpStatusCode.Unauthorized }));
        await using var connection = await app.Database.Database.OpenConnectionAsync();
        var roles = (await connection.QueryAsync<string>("SELECT role FROM memberships WHERE org_id = @orgId0", new { orgId0 })).ToList();
        Assert.Contains("owner", roles);
        Assert.Equal(Owners - responses.Count(r => r.StatusCode == HttpStatusCode.NoContent), roles.Count);
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task Setting_a_password_many_times_at_once_keeps_exactly_one_of_them(string dialect)
    {
        await using var app = await TesseraAppFactory.CreateAsync(dialect);
        var (_, _, userId, _) = await SignInAsync(app, "alice@example.com", "lab");
        var accounts = app.Services.GetRequiredService<AccountService>();
        var passwords = Enumerable.Range(0, 6).Select(i => $"candidate password {i}").ToList();

        await Task.WhenAll(passwords.Select(p => Task.Run(() => accounts.SetPasswordAsync("alice@example.com", p, new AuditActor(null, null, "test")))));

        await using var connection = await app.Database.Database.OpenConnectionAsync();
        var stored = await connection.ExecuteScalarAsync<string>("SELECT password_hash FROM users WHERE id = @userId", new { userId });
        Assert.Single(passwords, p => PasswordHasher.Verify(p, stored));
        Assert.Equal(passwords.Count, await AuditCountAsync(app, "user.set_password", userId.ToString()));
    }
}
