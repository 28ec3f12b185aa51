using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Data.Identity;
using Tessera.Testing;
using static Tessera.Server.Tests.AuthTestKit;

namespace Tessera.Server.Tests;

/// <summary>Organizations and memberships under concurrent, conflicting requests, checked through the JSON clients receive.</summary>
public class OrganizationContractTests
{
    private static async Task<JsonElement> Json(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task Owners_demoting_each_other_at_once_always_leave_an_owner(string dialect)
    {
        const int Owners = 6;
        await using var app = await TesseraAppFactory.CreateAsync(dialect);
        for (var round = 0; round < 4; round++)
        {
            var org = $"ring-{round}";
            var owners = new List<(HttpClient Client, Guid OrgId)>();
            for (var i = 0; i < Owners; i++)
            {
                var (client, _, _, orgId) = await SignInAsync(app, $"owner{i}@example.com", org, role: "owner");
                owners.Add((client, orgId));
            }
            var orgId0 = owners[0].OrgId;

            // Each owner demotes the next one round the ring, all at once.
            var responses = await Races.RunAsync(Owners, i => owners[i].Client.PutAsJsonAsync(
                new Uri($"/api/v1/orgs/{orgId0}/members", UriKind.Relative), new { email = $"owner{(i + 1) % Owners}@example.com", role = "member" }));

            await Races.AssertNoServerErrorsAsync(responses);
            Assert.All(responses, r => Assert.Contains(r.StatusCode, new[] { HttpStatusCode.OK, HttpStatusCode.Forbidden, HttpStatusCode.Conflict }));
            var roles = new List<string>();
            foreach (var (client, _) in owners)
            {
                var mine = await Json(await client.GetAsync(new Uri("/api/v1/orgs", UriKind.Relative)));
                roles.Add(mine.EnumerateArray().Single(o => o.GetProperty("name").GetString() == org).GetProperty("role").GetString()!);
            }
            Assert.True(roles.Contains("owner"), $"round {round}: no owner left ({string.Join(", ", roles)}; {string.Join(", ", responses.Select(r => (int)r.StatusCode))})");
        }
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task Creating_one_organization_name_twenty_times_at_once_gives_one_201_and_nineteen_409s(string dialect)
    {
        await using var app = await TesseraAppFactory.CreateAsync(dialect);
        var (client, _, _, _) = await SignInAsync(app, "alice@example.com", "lab");

        var responses = await Races.RunAsync(20, _ => client.PostAsJsonAsync("/api/v1/orgs", new { name = "contested" }));

        await Races.AssertNoServerErrorsAsync(responses);
        var counts = Races.CountByStatus(responses);
        Assert.Equal(1, counts.GetValueOrDefault(HttpStatusCode.Created));
        Assert.Equal(19, counts.GetValueOrDefault(HttpStatusCode.Conflict));
        foreach (var conflict in responses.Where(r => r.StatusCode == HttpStatusCode.Conflict))
            Assert.Equal("ORG_NAME_TAKEN", await CodeOf(conflict));
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task Organization_names_that_differ_only_in_letter_case_are_one_name(string dialect)
    {
        await using var app = await TesseraAppFactory.CreateAsync(dialect);
        var (client, _, _, _) = await SignInAsync(app, "alice@example.com", "lab");

        var created = await client.PostAsJsonAsync("/api/v1/orgs", new { name = "Acme" });
        var clash = await client.PostAsJsonAsync("/api/v1/orgs", new { name = "ACME" });
        var joined = await app.Services.GetRequiredService<AccountService>().EnsureMemberAsync("bob@example.com", "acme", null, new AuditActor(null, null, "test"));

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, clash.StatusCode);
        Assert.Equal("ORG_NAME_TAKEN", await CodeOf(clash));
        Assert.Equal("Acme", joined.Org.Name);
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task Finding_or_creating_one_user_and_organization_twenty_times_at_once_creates_each_once(string dialect)
    {
        await using var app = await TesseraAppFactory.CreateAsync(dialect);
        _ = app.CreateClient(); // starts the app, which applies migrations
        var accounts = app.Services.GetRequiredService<AccountService>();

        var members = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(() =>
            accounts.EnsureMemberAsync("new@example.com", "fresh-org", null, new AuditActor(null, null, "test")))));

        Assert.Single(members.Select(m => m.User.Id).Distinct());
        Assert.Single(members.Select(m => m.Org.Id).Distinct());
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task Changing_a_members_role_answers_the_membership_as_stored(string dialect)
    {
        await using var app = await TesseraAppFactory.CreateAsync(dialect);
        var (alice, _, _, orgId) = await SignInAsync(app, "alice@example.com", "lab");
        await SignInAsync(app, "bob@example.com", "lab", role: "member");
        var listed = (await Json(await alice.GetAsync(new Uri($"/api/v1/orgs/{orgId}/members", UriKind.Relative))))
            .EnumerateArray().Single(m => m.GetProperty("email").GetString() == "bob@example.com");
        await Task.Delay(20);

        var changed = await alice.PutAsJsonAsync(new Uri($"/api/v1/orgs/{orgId}/members", UriKind.Relative), new { email = "bob@example.com", role = "admin" });

        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        var body = await Json(changed);
        Assert.Equal("admin", body.GetProperty("role").GetString());
        Assert.Equal(listed.GetProperty("created_at").GetString(), body.GetProperty("created_at").GetString());
    }
}
