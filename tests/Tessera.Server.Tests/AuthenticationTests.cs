using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Core.Security;
using Tessera.Data.Identity;
using Tessera.Testing;
using static Tessera.Server.Tests.AuthTestKit;

namespace Tessera.Server.Tests;

public class AuthenticationTests
{
    private static readonly Uri Me = new("/api/v1/me", UriKind.Relative);

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task Each_kind_of_bad_token_gets_a_401_with_its_own_clear_message(string dialect)
    {
        var time = new ManualTimeProvider(DateTimeOffset.UtcNow);
        await using var app = await TesseraAppFactory.CreateAsync(dialect, s => s.AddSingleton<TimeProvider>(time));
        var (client, valid, _, _) = await SignInAsync(app, "ann@example.com", "acme");
        var (_, expiring, _, _) = await SignInAsync(app, "ann@example.com", "acme", lifetime: TimeSpan.FromMinutes(1));
        var (_, revoked, userId, orgId) = await SignInAsync(app, "ann@example.com", "acme");
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(Me)).StatusCode);
        await app.Services.GetRequiredService<TokenService>().RevokeAnyAsync(revoked.Record.Id.ToString(), new AuditActor(userId, orgId, "test"));
        time.Advance(TimeSpan.FromMinutes(2));

        async Task<(HttpStatusCode, string?, string, string)> Call(string? header)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, Me);
            if (header is not null) request.Headers.TryAddWithoutValidation("Authorization", header);
            var response = await app.CreateClient().SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            return (response.StatusCode, await CodeOf(response), body, response.Headers.WwwAuthenticate.ToString());
        }

        var results = new Dictionary<string, (HttpStatusCode Status, string? Code, string Body, string Challenge)>
        {
            ["missing"] = await Call(null),
            ["basic"] = await Call("Basic dXNlcjpwYXNz"),
            ["short"] = await Call("Bearer abc"),
            ["unknown"] = await Call("Bearer " + ApiTokenFormat.Generate()),
            ["expired"] = await Call("Bearer " + expiring.Token),
            ["revoked"] = await Call("Bearer " + revoked.Token),
        };
        Assert.All(results.Values, r => Assert.Equal(HttpStatusCode.Unauthorized, r.Status));
        Assert.Equal("TOKEN_MISSING", results["missing"].Code);
        Assert.Equal("TOKEN_MALFORMED", results["basic"].Code);
        Assert.Equal("TOKEN_MALFORMED", results["short"].Code);
        Assert.Equal("TOKEN_INVALID", results["unknown"].Code);
        Assert.Equal("TOKEN_EXPIRED", results["expired"].Code);
        Assert.Equal("TOKEN_REVOKED", results["revoked"].Code);
        Assert.Contains("expired", results["expired"].Body, StringComparison.Ordinal);
        Assert.Contains("revoked", results["revoked"].Body, StringComparison.Ordinal);
        // Kestrel refuses non-ASCII header values; the challenge header must stay ASCII for every failure.
        Assert.All(results.Values, r => Assert.True(System.Text.Ascii.IsValid(r.Challenge), r.Challenge));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(Me)).StatusCode);
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task Login_with_a_password_returns_a_working_token_and_wrong_credentials_look_alike(string dialect)
    {
        await using var app = await TesseraAppFactory.CreateAsync(dialect);
        await SignInAsync(app, "bob@example.com", "acme");
        await app.Services.GetRequiredService<AccountService>().SetPasswordAsync("bob@example.com", "correct horse battery", new AuditActor(null, null, "test"));
        var anonymous = app.CreateClient();

        var ok = await anonymous.PostAsJsonAsync("/api/v1/auth/login", new { email = "Bob@Example.com", password = "correct horse battery" });
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        var token = (await ok.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("token").GetString();
        using var me = new HttpRequestMessage(HttpMethod.Get, Me);
        me.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.SendAsync(me)).StatusCode);

        var wrongPassword = await anonymous.PostAsJsonAsync("/api/v1/auth/login", new { email = "bob@example.com", password = "wrong password" });
        var unknownUser = await anonymous.PostAsJsonAsync("/api/v1/auth/login", new { email = "nobody@example.com", password = "wrong password" });
        Assert.Equal(HttpStatusCode.Unauthorized, wrongPassword.StatusCode);
        Assert.Equal(await wrongPassword.Content.ReadAsStringAsync(), await unknownUser.Content.ReadAsStringAsync());
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task A_hundred_parallel_requests_over_ten_tokens_leave_last_used_consistent_and_recorded_to_the_minute(string dialect)
    {
        var time = new ManualTimeProvider(DateTimeOffset.UtcNow);
        await using var app = await TesseraAppFactory.CreateAsync(dialect, s => s.AddSingleton<TimeProvider>(time));
        var clients = new List<(HttpClient Client, IssuedToken Token)>();
        for (var i = 0; i < 10; i++)
        {
            var (client, token, _, _) = await SignInAsync(app, $"user{i}@example.com", "acme");
            clients.Add((client, token));
        }

        async Task<DateTimeOffset> SendAndReadLastUsedAsync(int requests)
        {
            var responses = await Task.WhenAll(Enumerable.Range(0, requests).Select(i => clients[i % 10].Client.GetAsync(Me)));
            Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
            await using var connection = await app.Database.Database.OpenConnectionAsync();
            var stamps = new List<DateTimeOffset>();
            foreach (var (_, token) in clients)
                stamps.Add(await connection.QuerySingleAsync<DateTimeOffset>("SELECT last_used_at FROM api_tokens WHERE id = @id", new { id = token.Record.Id }));
            Assert.Single(stamps.Select(s => s.ToUnixTimeMilliseconds()).Distinct());
            return stamps[0];
        }

        foreach (var round in new[] { 0, 1 })
        {
            time.Advance(TokenService.LastUsedResolution * (round + 1));
            var expected = time.GetUtcNow();
            Assert.Equal(expected.ToUnixTimeMilliseconds(), (await SendAndReadLastUsedAsync(100)).ToUnixTimeMilliseconds());
        }

        // Within the resolution, requests read the token without writing it again.
        var recorded = time.GetUtcNow();
        time.Advance(TokenService.LastUsedResolution / 2);
        Assert.Equal(recorded.ToUnixTimeMilliseconds(), (await SendAndReadLastUsedAsync(20)).ToUnixTimeMilliseconds());
    }

    [Fact]
    public async Task A_loopback_only_token_is_refused_when_the_client_is_not_on_loopback()
    {
        await using var app = await TesseraAppFactory.CreateAsync("sqlite");
        var (client, _, userId, orgId) = await SignInAsync(app, "demo@example.com", "demo");
        var demo = await app.Services.GetRequiredService<TokenService>()
            .IssueAsync(userId, orgId, "demo", [], TimeSpan.FromDays(1), loopbackOnly: true, new AuditActor(null, null, "test"));
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", demo.Token);

        // The in-memory test server reports no client address: not loopback.
        var response = await client.GetAsync(Me);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("TOKEN_LOOPBACK_ONLY", await CodeOf(response));
    }

    [Fact]
    public async Task Requests_over_the_per_token_budget_get_429_with_retry_after()
    {
        await using var app = await TesseraAppFactory.CreateAsync("sqlite", settings: new Dictionary<string, string?> { ["limits:requests_per_minute"] = "5" });
        var (client, _, _, _) = await SignInAsync(app, "busy@example.com", "acme");
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 6; i++) statuses.Add((await client.GetAsync(Me)).StatusCode);
        Assert.Equal(Enumerable.Repeat(HttpStatusCode.OK, 5).Append(HttpStatusCode.TooManyRequests), statuses);
        var limited = await client.GetAsync(Me);
        Assert.Equal("RATE_LIMITED", await CodeOf(limited));
        Assert.True(limited.Headers.RetryAfter is not null);

        // Another token has its own budget.
        var (other, _, _, _) = await SignInAsync(app, "calm@example.com", "acme");
        Assert.Equal(HttpStatusCode.OK, (await other.GetAsync(Me)).StatusCode);
    }

    [Fact]
    public async Task Health_probes_are_not_rate_limited()
    {
        await using var app = await TesseraAppFactory.CreateAsync("sqlite", settings: new Dictionary<string, string?> { ["limits:requests_per_minute"] = "2" });
        using var client = app.CreateClient();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            statuses.Add((await client.GetAsync(new Uri("/healthz", UriKind.Relative))).StatusCode);
            statuses.Add((await client.GetAsync(new Uri("/readyz", UriKind.Relative))).StatusCode);
        }
        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));

        // The anonymous budget still applies to everything else.
        var anonymous = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++) anonymous.Add((await client.GetAsync(Me)).StatusCode);
        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests], anonymous);
    }

    [Theory]
    [InlineData("X-Forwarded-For", "203.0.113.7")]
    [InlineData("Forwarded", "for=203.0.113.7")]
    [InlineData("X-Real-IP", "203.0.113.7")]
    [InlineData("Via", "1.1 proxy")]
    [InlineData("True-Client-IP", "203.0.113.7")]
    [InlineData("X-Client-IP", "203.0.113.7")]
    [InlineData("X-Original-Forwarded-For", "203.0.113.7")]
    [InlineData("X-Forwarded-Host", "tessera.example.com")]
    [InlineData("X-Forwarded-Proto", "https")]
    [InlineData("CF-Connecting-IP", "203.0.113.7")]
    [InlineData("Fastly-Client-IP", "203.0.113.7")]
    [InlineData("X-Original-For", "203.0.113.7:4711")]
    public async Task A_loopback_only_token_is_refused_when_any_proxy_header_says_a_proxy_forwarded_the_request(string header, string value)
    {
        await using var app = await TesseraAppFactory.CreateAsync("sqlite", FromLoopback);
        var (client, _, userId, orgId) = await SignInAsync(app, "demo@example.com", "demo");
        var demo = await app.Services.GetRequiredService<TokenService>()
            .IssueAsync(userId, orgId, "demo", [], TimeSpan.FromDays(1), loopbackOnly: true, new AuditActor(null, null, "test"));
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", demo.Token);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(Me)).StatusCode);

        using var proxied = new HttpRequestMessage(HttpMethod.Get, Me);
        proxied.Headers.TryAddWithoutValidation(header, value);
        var response = await client.SendAsync(proxied);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("TOKEN_LOOPBACK_ONLY", await CodeOf(response));
    }

    [Fact]
    public async Task Only_a_known_proxy_may_name_the_client_address_that_the_anonymous_budget_is_kept_by()
    {
        await using var app = await TesseraAppFactory.CreateAsync("sqlite", settings: new Dictionary<string, string?>
        {
            ["limits:requests_per_minute"] = "1",
            ["proxy:known_proxies"] = "10.0.0.5",
        });
        _ = app.CreateClient();

        async Task<int> StatusFrom(string peer, string forwardedFor)
        {
            var context = await app.Server.SendAsync(c =>
            {
                c.Request.Method = "GET";
                c.Request.Path = "/api/v1/me";
                c.Connection.RemoteIpAddress = System.Net.IPAddress.Parse(peer);
                c.Request.Headers["X-Forwarded-For"] = forwardedFor;
            });
            return context.Response.StatusCode;
        }

        // Through the known proxy each client has its own budget; another peer's forwarding headers are ignored.
        Assert.Equal(401, await StatusFrom("10.0.0.5", "203.0.113.1"));
        Assert.Equal(401, await StatusFrom("10.0.0.5", "203.0.113.2"));
        Assert.Equal(401, await StatusFrom("10.0.0.6", "203.0.113.3"));
        Assert.Equal(429, await StatusFrom("10.0.0.6", "203.0.113.4"));
    }
}
