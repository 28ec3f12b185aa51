using Microsoft.Extensions.DependencyInjection;
using Tessera.Core.Errors;
using Tessera.Data.Identity;
using Tessera.Testing;
using Tessera.Web.Session;

namespace Tessera.Web.Tests;

/// <summary>The session's tokens: minted at sign-in, swapped on an organization switch, revoked at sign-out.</summary>
public class SessionTokenTests
{
    private static readonly AuditActor TestActor = new(null, null, "test");

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task Switching_organization_mints_a_token_for_the_new_one_and_revokes_the_old_one_and_a_foreign_org_is_not_found(string dialect)
    {
        await using var server = await WebServer.StartAsync(dialect);
        var email = await server.CreateUserAsync("switch@example.org", "first-lab");
        var accounts = server.Services.GetRequiredService<AccountService>();
        var tokens = server.Services.GetRequiredService<TokenService>();
        var (_, second, _) = await accounts.EnsureMemberAsync(email, "second-lab", "member", TestActor);
        var (_, foreign, _) = await accounts.EnsureMemberAsync("stranger@example.org", "foreign-lab", null, TestActor);

        var session = await server.Services.GetRequiredService<WebSignIn>().WithPasswordAsync(email, WebServer.Password, null);
        var (principal, _) = await tokens.AuthenticateAsync(new TokenPresentation(session.Token, FromLoopback: false));
        Assert.NotNull(principal);

        var refused = await Assert.ThrowsAsync<TesseraException>(() => tokens.SwitchOrganizationAsync(principal, foreign.Id, TestActor));
        Assert.Equal(404, refused.Status);
        Assert.NotNull((await tokens.AuthenticateAsync(new TokenPresentation(session.Token, false))).Principal);

        var switched = await tokens.SwitchOrganizationAsync(principal, second.Id, TestActor);
        var (now, _) = await tokens.AuthenticateAsync(new TokenPresentation(switched.Token, false));
        Assert.Equal(second.Id, now!.OrgId);
        Assert.Equal(session.Record.ExpiresAt!.Value, switched.Record.ExpiresAt!.Value, TimeSpan.FromMilliseconds(1));
        Assert.Equal(TokenFailure.Revoked, (await tokens.AuthenticateAsync(new TokenPresentation(session.Token, false))).Failure);
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task A_pasted_token_signs_in_with_a_session_token_of_its_own_that_never_exceeds_it(string dialect)
    {
        await using var server = await WebServer.StartAsync(dialect);
        var email = await server.CreateUserAsync("paste@example.org", "paste-lab");
        var tokens = server.Services.GetRequiredService<TokenService>();
        var login = await server.Services.GetRequiredService<AccountService>().LoginAsync(email, WebServer.Password, null, null);
        var (owner, _) = await tokens.AuthenticateAsync(new TokenPresentation(login.Token, false));
        var readOnly = await tokens.MintAsync(owner!, "read only", ["runs:read"], TimeSpan.FromHours(2), TestActor);

        var signIn = server.Services.GetRequiredService<WebSignIn>();
        var session = await signIn.WithTokenAsync(" " + readOnly.Token + " ", fromLoopback: false, TestActor);

        Assert.NotEqual(readOnly.Token, session.Token);
        Assert.Equal(SessionCookie.TokenName, session.Record.Name);
        Assert.Equal(["runs:read"], session.Record.ScopeList);
        Assert.True(session.Record.ExpiresAt <= readOnly.Record.ExpiresAt);
        var wrong = await Assert.ThrowsAsync<TesseraException>(() => signIn.WithTokenAsync("tsr_not-a-real-token-at-all-000000000000000", false, TestActor));
        Assert.Equal(401, wrong.Status);
    }
}
