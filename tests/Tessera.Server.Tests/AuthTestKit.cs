using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Data.Identity;

namespace Tessera.Server.Tests;

/// <summary>Creates users, organizations and tokens through the real services of a running test app.</summary>
internal static class AuthTestKit
{
    private static readonly AuditActor TestActor = new(null, null, "test");

    public static async Task<(HttpClient Client, IssuedToken Token, Guid UserId, Guid OrgId)> SignInAsync(
        TesseraAppFactory app, string email, string org, string? role = null, TimeSpan? lifetime = null, IReadOnlyCollection<string>? scopes = null)
    {
        var client = app.CreateClient(); // starts the app, which applies migrations
        var (user, organization, _) = await app.Services.GetRequiredService<AccountService>().EnsureMemberAsync(email, org, role, TestActor);
        var token = await app.Services.GetRequiredService<TokenService>()
            .IssueAsync(user.Id, organization.Id, "test", scopes ?? [], lifetime ?? TimeSpan.FromDays(1), loopbackOnly: false, TestActor);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.Token);
        return (client, token, user.Id, organization.Id);
    }

    /// <summary>Makes every request of the in-memory server come from 127.0.0.1 (it reports no address otherwise).</summary>
    public static void FromLoopback(IServiceCollection services) => services.AddSingleton<IStartupFilter>(new LoopbackClient());

    public static async Task<string?> CodeOf(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("code").GetString();

    private sealed class LoopbackClient : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                context.Connection.RemoteIpAddress = IPAddress.Loopback;
                return nextMiddleware(context);
            });
            next(app);
        };
    }
}
