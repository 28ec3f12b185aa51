using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Data.Identity;

namespace Tessera.Jobs.Tests;

/// <summary>
/// The jobs API over the shared <see cref="TesseraAppFactory"/> (in-process workers included, with the fast test
/// timings). Callers are real users with the test owners' ids, authenticated by real bearer tokens whose scopes are
/// exactly the permissions a test asks for.
/// </summary>
internal static class JobsApi
{
    public static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    // One token per owner and permission set per application, so limits counted per token apply across calls.
    private static readonly ConditionalWeakTable<TesseraAppFactory, ConcurrentDictionary<(JobOwner, string), Task<string>>> Tokens = new();

    public static async Task<TesseraAppFactory> CreateAsync(string dialect, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var values = JobsHarness.FastSettings();
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) values[key] = value;
        return await TesseraAppFactory.CreateAsync(dialect, settings: values);
    }

    /// <summary>A token for <paramref name="owner"/> limited to <paramref name="permissions"/>; the user and organization are created once.</summary>
    public static Task<string> TokenAsync(this TesseraAppFactory app, JobOwner owner, string permissions = "jobs:read,jobs:write") =>
        Tokens.GetOrCreateValue(app).GetOrAdd((owner, permissions), async key =>
        {
            _ = app.CreateClient(); // starts the app, which applies migrations
            var now = DateTimeOffset.UtcNow;
            await app.Database.Database.InTransactionAsync(async (c, t) =>
            {
                await c.ExecuteAsync("INSERT INTO organizations (id, name, created_at) VALUES (@OrgId, @name, @now) ON CONFLICT (id) DO NOTHING",
                    new { owner.OrgId, name = $"org-{owner.OrgId}", now }, t);
                await c.ExecuteAsync("INSERT INTO users (id, email, display_name, created_at) VALUES (@UserId, @email, 'test', @now) ON CONFLICT (id) DO NOTHING",
                    new { owner.UserId, email = $"{owner.UserId}@test.local", now }, t);
                await c.ExecuteAsync("INSERT INTO memberships (org_id, user_id, role, created_at) VALUES (@OrgId, @UserId, 'owner', @now) ON CONFLICT (org_id, user_id) DO NOTHING",
                    new { owner.OrgId, owner.UserId, now }, t);
            });
            var issued = await app.Services.GetRequiredService<TokenService>().IssueAsync(
                owner.UserId, owner.OrgId, "test", permissions.Split(',', StringSplitOptions.RemoveEmptyEntries), TimeSpan.FromHours(1),
                loopbackOnly: false, new AuditActor(null, null, "test"));
            return issued.Token;
        });

    /// <summary>Puts <paramref name="owner"/>'s bearer token on <paramref name="request"/>.</summary>
    public static async Task AuthorizeAsync(this TesseraAppFactory app, HttpRequestMessage request, JobOwner owner, string permissions = "jobs:read,jobs:write") =>
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await app.TokenAsync(owner, permissions));

    /// <summary>Sends a request as <paramref name="owner"/> (null: anonymous).</summary>
    public static async Task<HttpResponseMessage> SendAsync(
        this TesseraAppFactory app, HttpMethod method, string path, JobOwner? owner, object? body = null, string permissions = "jobs:read,jobs:write", string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (owner is not null) await app.AuthorizeAsync(request, owner, permissions);
        if (body is not null) request.Content = JsonContent.Create(body, options: Json);
        if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
        return await app.CreateClient().SendAsync(request);
    }
}
