using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Core.Identity;
using Tessera.Data.Identity;
using Tessera.Testing;
using static Tessera.Server.Tests.AuthTestKit;

namespace Tessera.Server.Tests;

public class TokenMintingTests
{
    private static readonly Uri Me = new("/api/v1/me", UriKind.Relative);

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task A_token_minted_by_a_loopback_only_token_is_loopback_only_and_expires_with_it(string dialect)
    {
        await using var app = await TesseraAppFactory.CreateAsync(dialect, FromLoopback);
        var (client, _, userId, orgId) = await SignInAsync(app, "demo@example.com", "demo", Roles.Owner);
        var demo = await app.Services.GetRequiredService<TokenService>()
            .IssueAsync(userId, orgId, "demo", [], TimeSpan.FromDays(30), loopbackOnly: true, new AuditActor(null, null, "test"));
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", demo.Token);

        var created = await client.PostAsJsonAsync("/api/v1/tokens", new { name = "escape", expires_in_days = 3650 });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement;
        var details = body.GetProperty("details");
        Assert.True(details.GetProperty("loopback_only").GetBoolean());
        Assert.Equal(demo.Record.ExpiresAt!.Value.ToUnixTimeSeconds(), details.GetProperty("expires_at").GetDateTimeOffset().ToUnixTimeSeconds());

        // Through a proxy (the real client may be anywhere) the minted token is refused like the demo token itself.
        using var proxied = new HttpRequestMessage(HttpMethod.Get, Me);
        proxied.Headers.Authorization = new AuthenticationHeaderValue("Bearer", body.GetProperty("token").GetString());
        proxied.Headers.Add("X-Forwarded-For", "203.0.113.7");
        var refused = await app.CreateClient().SendAsync(proxied);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal("TOKEN_LOOPBACK_ONLY", await CodeOf(refused));
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task A_minted_token_never_outlives_or_outscopes_the_token_that_minted_it(string dialect)
    {
        await using var app = await TesseraAppFactory.CreateAsync(dialect);
        var (client, parent, _, _) = await SignInAsync(app, "kim@example.com", "acme", Roles.Owner,
            lifetime: TimeSpan.FromDays(2), scopes: [Permissions.RunsRead, Permissions.TokensManage]);

        var wider = await client.PostAsJsonAsync("/api/v1/tokens", new { name = "wider", scopes = new[] { Permissions.RunsWrite } });
        Assert.Equal(HttpStatusCode.Forbidden, wider.StatusCode);

        var created = await client.PostAsJsonAsync("/api/v1/tokens", new { name = "child", expires_in_days = 365 });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement;
        var details = body.GetProperty("details");
        Assert.Equal(parent.Record.ExpiresAt!.Value.ToUnixTimeSeconds(), details.GetProperty("expires_at").GetDateTimeOffset().ToUnixTimeSeconds());
        Assert.False(details.GetProperty("loopback_only").GetBoolean());

        using var me = new HttpRequestMessage(HttpMethod.Get, Me);
        me.Headers.Authorization = new AuthenticationHeaderValue("Bearer", body.GetProperty("token").GetString());
        var permissions = JsonDocument.Parse(await (await app.CreateClient().SendAsync(me)).Content.ReadAsStringAsync())
            .RootElement.GetProperty("permissions").EnumerateArray().Select(p => p.GetString()).ToList();
        Assert.Equal([Permissions.RunsRead, Permissions.TokensManage], permissions);
    }
}
