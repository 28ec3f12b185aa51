using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Dapper;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Data.Identity;
using Tessera.Testing;

namespace Tessera.Jobs.Tests;

/// <summary>
/// The real server (in-process workers included) over a scratch database. Callers are real users with the test
/// owners' ids, authenticated by real bearer tokens whose scopes are exactly the permissions a test asks for.
/// </summary>
internal sealed class JobsApiFactory(ScratchDatabase database, IReadOnlyDictionary<string, string?>? extraSettings = null) : WebApplicationFactory<Program>
{
    private readonly ConcurrentDictionary<(JobOwner, string), Task<string>> _tokens = new();

    public static async Task<JobsApiFactory> CreateAsync(string dialect, IReadOnlyDictionary<string, string?>? settings = null) =>
        new(await ScratchDatabase.CreateAsync(dialect), settings);

    public static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        var settings = JobsHarness.FastSettings();
        settings["data_dir"] = database.DataDir;
        settings["database"] = database.Target;
        foreach (var (key, value) in extraSettings ?? new Dictionary<string, string?>()) settings[key] = value;
        builder.ConfigureAppConfiguration(config => config.AddInMemoryCollection(settings));
    }

    /// <summary>A token for <paramref name="owner"/> limited to <paramref name="permissions"/>; the user and organization are created once.</summary>
    public Task<string> TokenAsync(JobOwner owner, string permissions = "jobs:read,jobs:write") =>
        _tokens.GetOrAdd((owner, permissions), async key =>
        {
            _ = CreateClient(); // starts the app, which applies migrations
            var now = DateTimeOffset.UtcNow;
            await database.Database.InTransactionAsync(async (c, t) =>
            {
                await c.ExecuteAsync("INSERT INTO organizations (id, name, created_at) VALUES (@OrgId, @name, @now) ON CONFLICT (id) DO NOTHING",
                    new { owner.OrgId, name = $"org-{owner.OrgId}", now }, t);
                await c.ExecuteAsync("INSERT INTO users (id, email, display_name, created_at) VALUES (@UserId, @email, 'test', @now) ON CONFLICT (id) DO NOTHING",
                    new { owner.UserId, email = $"{owner.UserId}@test.local", now }, t);
                await c.ExecuteAsync("INSERT INTO memberships (org_id, user_id, role, created_at) VALUES (@OrgId, @UserId, 'owner', @now) ON CONFLICT (org_id, user_id) DO NOTHING",
                    new { owner.OrgId, owner.UserId, now }, t);
            });
            var issued = await Services.GetRequiredService<TokenService>().IssueAsync(
                owner.UserId, owner.OrgId, "test", permissions.Split(',', StringSplitOptions.RemoveEmptyEntries), TimeSpan.FromHours(1),
                loopbackOnly: false, new AuditActor(null, null, "test"));
            return issued.Token;
        });

    /// <summary>Puts <paramref name="owner"/>'s bearer token on <paramref name="request"/>.</summary>
    public async Task AuthorizeAsync(HttpRequestMessage request, JobOwner owner, string permissions = "jobs:read,jobs:write") =>
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync(owner, permissions));

    /// <summary>Sends a request as <paramref name="owner"/> (null: anonymous).</summary>
    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, JobOwner? owner, object? body = null, string permissions = "jobs:read,jobs:write", string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (owner is not null) await AuthorizeAsync(request, owner, permissions);
        if (body is not null) request.Content = JsonContent.Create(body, options: Json);
        if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
        return await CreateClient().SendAsync(request);
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await database.DisposeAsync();
    }
}
