using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Tessera.Data.Identity;
using static Tessera.Server.Tests.AuthTestKit;

namespace Tessera.Server.Tests;

public class SecurityHeadersTests
{
    [Fact]
    public async Task Every_response_says_nosniff_and_authenticated_or_token_bearing_json_is_never_stored()
    {
        await using var app = await TesseraAppFactory.CreateAsync("sqlite");
        var (client, _, _, _) = await SignInAsync(app, "ivy@example.com", "acme");
        await app.Services.GetRequiredService<AccountService>().SetPasswordAsync("ivy@example.com", "correct horse battery", new AuditActor(null, null, "test"));
        var anonymous = app.CreateClient();

        var health = await anonymous.GetAsync(new Uri("/healthz", UriKind.Relative));
        var missing = await anonymous.GetAsync(new Uri("/api/v1/no/such/route", UriKind.Relative));
        var unauthenticated = await anonymous.GetAsync(new Uri("/api/v1/me", UriKind.Relative));
        var me = await client.GetAsync(new Uri("/api/v1/me", UriKind.Relative));
        var created = await client.PostAsJsonAsync("/api/v1/tokens", new { name = "ci" });
        var login = await anonymous.PostAsJsonAsync("/api/v1/auth/login", new { email = "ivy@example.com", password = "correct horse battery" });

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        foreach (var response in new[] { health, missing, unauthenticated, me, created, login })
            Assert.Equal(["nosniff"], response.Headers.GetValues("X-Content-Type-Options"));
        foreach (var response in new[] { me, created, login, unauthenticated })
            Assert.True(response.Headers.CacheControl?.NoStore, response.RequestMessage?.RequestUri?.ToString());
    }

    [Fact]
    public async Task Kestrel_does_not_announce_itself_in_a_server_header()
    {
        await using var app = await TesseraAppFactory.CreateAsync("sqlite");
        _ = app.CreateClient();
        Assert.False(app.Services.GetRequiredService<IOptions<KestrelServerOptions>>().Value.AddServerHeader);
    }
}
