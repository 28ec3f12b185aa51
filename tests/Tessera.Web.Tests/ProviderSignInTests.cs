using System.Text.Json;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Tessera.Data.Identity;
using Tessera.Data.Identity.Providers;
using Tessera.Testing;
using static Microsoft.Playwright.Assertions;

namespace Tessera.Web.Tests;

/// <summary>
/// Signing in to the web pages through an organization's identity provider, in chromium against a real oidc-provider
/// (its own login and consent pages), and the page where organization admins manage their providers.
/// </summary>
public sealed class ProviderSignInTests
{
    private const string ClientSecret = "web-client-secret-for-tessera";

    private static readonly PageGotoOptions Loaded = new() { WaitUntil = WaitUntilState.Load };

    private static readonly AuditActor TestActor = new(null, null, "test");

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task An_admin_adds_the_provider_on_its_page_then_a_first_sign_in_creates_the_user_with_the_mapped_role_and_a_changed_claim_changes_it(string dialect)
    {
        await using var server = await WebServer.StartAsync(dialect);
        await using var provider = await OidcTestProvider.StartAsync();
        await RegisterTesseraAsync(provider, server, "tessera-lab-a");
        var owner = await server.CreateUserAsync("owner@example.org", "lab-a");
        await provider.SetAccountAsync("alice", new { groups = new[] { "tessera-users" } });
        await using var browser = await Browser.LaunchAsync();

        // The owner adds the provider on the identity providers page; the secret is stored and never shown back.
        var admin = await browser.NewPageAsync(server.Address);
        await admin.GotoAsync("/signin", Loaded);
        await SignInWithPasswordAsync(admin, owner);
        await admin.GetByRole(AriaRole.Link, new() { Name = "Identity providers" }).ClickAsync();
        await AddProviderOnPageAsync(admin, provider, "corporate", "tessera-lab-a");
        var row = admin.Locator("tbody tr", new() { HasText = "corporate" });
        await Expect(row).ToContainTextAsync("stored");
        await Expect(row).ToContainTextAsync("tessera-users → member");
        Assert.DoesNotContain(ClientSecret, await admin.ContentAsync(), StringComparison.Ordinal);
        await Expect(admin.GetByLabel("Client secret")).ToHaveValueAsync("");
        await Browser.CheckAsync(admin, $"idp-01-providers-page-{dialect}");

        // Alice's first sign-in: the organization's sign-in options, the provider's login and consent, back signed in as a new member.
        var page = await browser.NewPageAsync(server.Address);
        await page.GotoAsync("/signin", Loaded);
        await page.GetByLabel("Organization", new() { Exact = true }).FillAsync("lab-a");
        await page.GetByRole(AriaRole.Button, new() { Name = "Show sign-in options" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Sign in with corporate" })).ToBeVisibleAsync();
        await Browser.CheckAsync(page, $"idp-02-signin-options-{dialect}");
        await page.GetByRole(AriaRole.Link, new() { Name = "Sign in with corporate" }).ClickAsync();
        await SignInAtProviderAsync(page, provider, "alice");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign out" })).ToBeVisibleAsync();
        Assert.Equal("member", await RoleInAsync(page, "lab-a"));
        var session = (await page.Context.CookiesAsync()).Single(c => c.Name == "tessera_session");
        Assert.True(session.HttpOnly);

        // Signing out ends the provider's session too (its logout page), then comes back to Tessera's sign-in page.
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Yes, sign me out" }).ClickAsync();
        await page.WaitForURLAsync(new Uri(server.Address, "/signin").AbsoluteUri);
        var replayed = await page.APIRequest.GetAsync("/api/v1/me", new() { Headers = new Dictionary<string, string> { ["Authorization"] = "Bearer " + session.Value } });
        Assert.Equal(401, replayed.Status);

        // The provider now puts alice among the admins: the next sign-in (a fresh login there) makes her an admin.
        await provider.SetAccountAsync("alice", new { groups = new[] { "tessera-admins" } });
        await page.GotoAsync("/signin?org=lab-a", Loaded);
        await page.GetByRole(AriaRole.Link, new() { Name = "Sign in with corporate" }).ClickAsync();
        await SignInAtProviderAsync(page, provider, "alice");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign out" })).ToBeVisibleAsync();
        Assert.Equal("admin", await RoleInAsync(page, "lab-a"));

        var created = await AuditDetailsAsync(server, "user.create_jit");
        Assert.Single(created);
        Assert.Contains("alice@example.com", created[0], StringComparison.Ordinal);
        Assert.Equal(["none -> member", "member -> admin"], (await AuditDetailsAsync(server, "membership.set_from_claims")).Select(d => d.Split(" (")[0]));
        Assert.Equal(2, (await AuditDetailsAsync(server, "auth.signin_provider")).Count);
    }

    [Fact]
    public async Task A_tampered_or_replayed_state_cancelled_consent_and_an_unknown_user_without_jit_land_on_the_sign_in_page_with_a_message()
    {
        await using var server = await WebServer.StartAsync("sqlite");
        await using var provider = await OidcTestProvider.StartAsync();
        await RegisterTesseraAsync(provider, server, "tessera-lab-a");
        await server.CreateUserAsync("owner@example.org", "lab-a");
        var providerId = await AddProviderAsync(server, provider, "lab-a", "corporate", "tessera-lab-a", allowJit: false);
        var jitProviderId = await AddProviderAsync(server, provider, "lab-a", "corporate-jit", "tessera-lab-a-jit", allowJit: true);
        await RegisterTesseraAsync(provider, server, "tessera-lab-a-jit");
        await using var browser = await Browser.LaunchAsync();

        // Bob could sign in (a role, an allowed domain) if the answers below were not refused.
        await provider.SetAccountAsync("bob", new { groups = new[] { "tessera-users" } });

        // A browser whose pending sign-in is gone (used or never started here) cannot complete one: the provider's
        // genuine answer, with a code still unused, is refused.
        var attacker = await browser.NewPageAsync(server.Address);
        string? genuineCallback = null;
        attacker.Request += (_, request) =>
        {
            if (request.Url.Contains("/signin/provider/callback?", StringComparison.Ordinal)) genuineCallback = request.Url;
        };
        await attacker.GotoAsync($"/signin/provider/{jitProviderId}", Loaded);
        await attacker.Context.ClearCookiesAsync(new() { Name = "tessera_signin_pending" });
        await SignInAtProviderAsync(attacker, provider, "bob");
        await Expect(attacker.GetByRole(AriaRole.Alert)).ToContainTextAsync("not started from this browser");
        Assert.Contains("error=SIGNIN_STATE_INVALID", attacker.Url, StringComparison.Ordinal);
        Assert.NotNull(genuineCallback);

        // Another browser, with a sign-in of its own pending, is handed that answer (another state): refused, no session,
        // and its own pending sign-in is used up.
        var victim = await browser.NewPageAsync(server.Address);
        await victim.GotoAsync($"/signin/provider/{jitProviderId}", Loaded);
        Assert.Contains(await victim.Context.CookiesAsync(), c => c.Name == "tessera_signin_pending");
        await victim.GotoAsync(genuineCallback, Loaded);
        await Expect(victim.GetByRole(AriaRole.Alert)).ToContainTextAsync("not started from this browser");
        Assert.Contains("error=SIGNIN_STATE_INVALID", victim.Url, StringComparison.Ordinal);
        Assert.DoesNotContain(await victim.Context.CookiesAsync(), c => c.Name is "tessera_session" or "tessera_signin_pending");
        Assert.Empty(await AuditDetailsAsync(server, "user.create_jit"));
        await Browser.CheckAsync(victim, "idp-03-state-refused");

        // Cancelling at the provider comes back as a denied sign-in.
        var cancelling = await browser.NewPageAsync(server.Address);
        await cancelling.GotoAsync($"/signin/provider/{providerId}", Loaded);
        await cancelling.GetByRole(AriaRole.Link, new() { Name = "[ Cancel ]" }).ClickAsync();
        await cancelling.WaitForURLAsync("**/signin?error=SIGNIN_DENIED");
        await Expect(cancelling.GetByRole(AriaRole.Alert)).ToContainTextAsync("cancelled at the identity provider");

        // A provider that does not create users: an unknown subject is told to ask the admin, never a 500.
        await provider.SetAccountAsync("carol", new { groups = new[] { "tessera-users" } });
        var unknown = await browser.NewPageAsync(server.Address);
        await unknown.GotoAsync($"/signin/provider/{providerId}", Loaded);
        await SignInAtProviderAsync(unknown, provider, "carol");
        await Expect(unknown.GetByRole(AriaRole.Alert)).ToContainTextAsync("no Tessera account for you");
        Assert.Contains("error=SIGNIN_NO_ACCOUNT", unknown.Url, StringComparison.Ordinal);
        Assert.DoesNotContain(await unknown.Context.CookiesAsync(), c => c.Name == "tessera_session");
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task A_user_signed_in_through_organization_As_provider_sees_nothing_of_organization_B(string dialect)
    {
        await using var server = await WebServer.StartAsync(dialect);
        await using var provider = await OidcTestProvider.StartAsync();
        await RegisterTesseraAsync(provider, server, "tessera-lab-a");
        await RegisterTesseraAsync(provider, server, "tessera-lab-b");
        await server.CreateUserAsync("owner-a@example.org", "lab-a");
        await server.CreateUserAsync("owner-b@example.org", "lab-b");
        await AddProviderAsync(server, provider, "lab-a", "corporate-a", "tessera-lab-a", allowJit: true);
        await AddProviderAsync(server, provider, "lab-b", "corporate-b", "tessera-lab-b", allowJit: true);
        var orgB = (await server.Services.GetRequiredService<AccountService>().MemberPrincipalAsync("owner-b@example.org", "lab-b")).OrgId;
        await provider.SetAccountAsync("dave", new { groups = new[] { "tessera-admins" } });
        await using var browser = await Browser.LaunchAsync();

        var page = await browser.NewPageAsync(server.Address);
        await page.GotoAsync("/signin?org=lab-a", Loaded);
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Sign in with corporate-b" })).ToHaveCountAsync(0);
        await page.GetByRole(AriaRole.Link, new() { Name = "Sign in with corporate-a" }).ClickAsync();
        await SignInAtProviderAsync(page, provider, "dave");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign out" })).ToBeVisibleAsync();

        var orgs = JsonDocument.Parse(await (await page.APIRequest.GetAsync("/api/v1/orgs")).TextAsync()).RootElement;
        Assert.Equal(["lab-a"], orgs.EnumerateArray().Select(o => o.GetProperty("name").GetString()));
        Assert.Equal(404, (await page.APIRequest.GetAsync($"/api/v1/orgs/{orgB}/members")).Status);
        Assert.Equal(404, (await page.APIRequest.GetAsync($"/api/v1/orgs/{orgB}/identity-providers")).Status);
        await page.GotoAsync("/identity-providers", Loaded);
        await Expect(page.Locator("tbody tr")).ToHaveCountAsync(1);
        await Expect(page.Locator("tbody tr")).ToContainTextAsync("corporate-a");
        Assert.DoesNotContain("corporate-b", await page.ContentAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain("lab-b", await page.ContentAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_admin_removes_a_provider_on_its_page_and_it_is_no_longer_offered()
    {
        await using var server = await WebServer.StartAsync("sqlite");
        await using var provider = await OidcTestProvider.StartAsync();
        var owner = await server.CreateUserAsync("owner@example.org", "lab-a");
        await using var browser = await Browser.LaunchAsync();
        var page = await browser.NewPageAsync(server.Address);
        await page.GotoAsync("/signin", Loaded);
        await SignInWithPasswordAsync(page, owner);
        await page.GotoAsync("/identity-providers", Loaded);
        await Expect(page.GetByText("No provider yet")).ToBeVisibleAsync();
        await AddProviderOnPageAsync(page, provider, "first", "client-one");
        await AddProviderOnPageAsync(page, provider, "second", "client-two");
        await Expect(page.Locator("tbody tr")).ToHaveCountAsync(2);

        await page.GetByRole(AriaRole.Button, new() { Name = "Remove provider first" }).ClickAsync();
        await Expect(page.Locator("tbody tr")).ToHaveCountAsync(1);
        await Expect(page.Locator("tbody tr")).ToContainTextAsync("second");
        Assert.Single(await AuditDetailsAsync(server, "idp.remove"));

        var anonymous = await browser.NewPageAsync(server.Address);
        await anonymous.GotoAsync("/signin?org=lab-a", Loaded);
        await Expect(anonymous.GetByRole(AriaRole.Link, new() { Name = "Sign in with second" })).ToBeVisibleAsync();
        await Expect(anonymous.GetByRole(AriaRole.Link, new() { Name = "Sign in with first" })).ToHaveCountAsync(0);
        // A plain member of the organization has no menu entry, and the page refuses them, listing nothing and offering no form.
        var accounts = server.Services.GetRequiredService<AccountService>();
        await accounts.EnsureMemberAsync("member@example.org", "lab-a", "member", TestActor);
        await accounts.SetPasswordAsync("member@example.org", WebServer.Password, TestActor);
        var member = await browser.NewPageAsync(server.Address);
        await member.GotoAsync("/signin", Loaded);
        await SignInWithPasswordAsync(member, "member@example.org");
        await Expect(member.GetByRole(AriaRole.Link, new() { Name = "Identity providers" })).ToHaveCountAsync(0);
        var refused = await member.GotoAsync("/identity-providers", Loaded);
        Assert.Equal(403, refused!.Status);
        await Expect(member.GetByRole(AriaRole.Alert)).ToContainTextAsync("members:manage");
        await Expect(member.Locator("tbody tr")).ToHaveCountAsync(0);
        await Expect(member.GetByRole(AriaRole.Button, new() { Name = "Add provider" })).ToHaveCountAsync(0);
    }

    /// <summary>Registers Tessera's callback and post-logout addresses at the provider for <paramref name="clientId"/>.</summary>
    private static Task RegisterTesseraAsync(OidcTestProvider provider, WebServer server, string clientId) =>
        provider.RegisterWebClientAsync(clientId, ClientSecret, new Uri(server.Address, "/signin/provider/callback"), new Uri(server.Address, "/signin"));

    private static async Task<Guid> AddProviderAsync(WebServer server, OidcTestProvider provider, string org, string name, string clientId, bool allowJit)
    {
        var added = await server.Services.GetRequiredService<IdentityProviderService>().AddForOperatorAsync(org, new IdentityProviderInput
        {
            Name = name,
            Issuer = provider.Issuer,
            ClientId = clientId,
            ClientSecret = ClientSecret,
            AllowedEmailDomains = ["example.com"],
            RoleMappings = new Dictionary<string, string> { ["tessera-admins"] = "admin", ["tessera-users"] = "member" },
            AllowJit = allowJit,
        }, TestActor);
        return added.Id;
    }

    private static async Task AddProviderOnPageAsync(IPage page, OidcTestProvider provider, string name, string clientId)
    {
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync(name);
        await page.GetByLabel("Issuer").FillAsync(provider.Issuer);
        await page.GetByLabel("Client id", new() { Exact = true }).FillAsync(clientId);
        await page.GetByLabel("Client secret").FillAsync(ClientSecret);
        await page.GetByLabel("Allowed email domains for new users").FillAsync("example.com");
        await page.GetByLabel("Role mappings").FillAsync("tessera-admins = admin\ntessera-users = member");
        await page.GetByLabel("Create a user at their first sign-in").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Add provider" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync($"Added “{name}”");
    }

    /// <summary>The provider's own login page (any password), then its consent page when it asks, back to Tessera.</summary>
    private static async Task SignInAtProviderAsync(IPage page, OidcTestProvider provider, string user)
    {
        Assert.StartsWith(provider.Issuer + "/interaction/", page.Url, StringComparison.Ordinal);
        await page.Locator("input[name=login]").FillAsync(user);
        await page.Locator("input[name=password]").FillAsync("any password");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign-in" }).ClickAsync();
        var consent = page.GetByRole(AriaRole.Button, new() { Name = "Continue" });
        var backAtTessera = page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).Or(page.GetByRole(AriaRole.Alert));
        await Expect(consent.Or(backAtTessera)).ToBeVisibleAsync();
        if (await consent.IsVisibleAsync()) await consent.ClickAsync();
        await Expect(backAtTessera).ToBeVisibleAsync();
    }

    private static async Task SignInWithPasswordAsync(IPage page, string email)
    {
        var form = page.Locator("form", new() { Has = page.Locator("#email") });
        await page.GetByLabel("Email", new() { Exact = true }).FillAsync(email);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(WebServer.Password);
        await form.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign out" })).ToBeVisibleAsync();
    }

    /// <summary>The signed-in browser's role in <paramref name="org"/>, as GET /api/v1/orgs shows it with the session cookie.</summary>
    private static async Task<string?> RoleInAsync(IPage page, string org)
    {
        var response = await page.APIRequest.GetAsync("/api/v1/orgs");
        Assert.Equal(200, response.Status);
        return JsonDocument.Parse(await response.TextAsync()).RootElement.EnumerateArray()
            .Single(o => o.GetProperty("name").GetString() == org).GetProperty("role").GetString();
    }

    private static async Task<List<string>> AuditDetailsAsync(WebServer server, string action)
    {
        await using var connection = await server.Database.Database.OpenConnectionAsync();
        return (await connection.QueryAsync<string>("SELECT detail FROM audit_log WHERE action = @action ORDER BY occurred_at", new { action })).ToList();
    }
}
