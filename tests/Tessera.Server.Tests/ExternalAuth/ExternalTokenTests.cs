using System.Net;
using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Tessera.Server.Auth.External;
using Tessera.Testing;
using static Tessera.Server.Tests.AuthTestKit;
using static Tessera.Server.Tests.ExternalAuth.ExternalAuthKit;

namespace Tessera.Server.Tests.ExternalAuth;

/// <summary>The API accepts a configured OpenID provider's JWT access tokens (a real oidc-provider on loopback) next to Tessera's own.</summary>
public class ExternalTokenTests
{
    private const string BetaAudience = "https://beta.tessera.test/api";

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task A_new_subject_is_created_just_in_time_and_its_role_follows_the_claims_of_each_token(string dialect)
    {
        await using var provider = await OidcTestProvider.StartAsync();
        await using var app = await CreateAppAsync(dialect);
        var (owner, _, _, orgId) = await SignInAsync(app, "owner@acme.test", "acme", "owner");
        await AddProviderAsync(owner, orgId, ProviderBody(provider));

        await provider.SetAccountAsync("alice", new { groups = new[] { "tessera-users", "unrelated" } });
        Assert.Equal("member", await RoleOrCodeAsync(await ClientOfAsync(app, provider, "alice"), "acme"));
        await provider.SetAccountAsync("alice", new { groups = new[] { "tessera-users", "tessera-admins" } });
        var admin = await ClientOfAsync(app, provider, "alice");
        Assert.Equal("admin", await RoleOrCodeAsync(admin, "acme"));
        // The admin role is real: listing members needs members:manage.
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync(new Uri($"/api/v1/orgs/{orgId}/members", UriKind.Relative))).StatusCode);
        await provider.SetAccountAsync("alice", new { groups = Array.Empty<string>() });
        Assert.Equal("TOKEN_NO_ROLE", await RoleOrCodeAsync(await ClientOfAsync(app, provider, "alice"), "acme"));

        Assert.Single(await AuditDetailsAsync(app, "user.create_jit"), d => d.StartsWith("alice@example.com from " + provider.Issuer, StringComparison.Ordinal));
        Assert.Equal(["none -> member (provider corporate)", "member -> admin (provider corporate)"], await AuditDetailsAsync(app, "membership.set_from_claims"));
        Assert.Contains(await AuditDetailsAsync(app, "auth.token_rejected"), d => d.StartsWith("TOKEN_NO_ROLE", StringComparison.Ordinal));
        // Tessera's own tokens work as before.
        Assert.Equal("owner", await RoleOrCodeAsync(owner, "acme"));
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task Each_refused_token_answers_401_naming_the_check_that_failed(string dialect)
    {
        await using var provider = await OidcTestProvider.StartAsync();
        await using var stranger = await OidcTestProvider.StartAsync();
        await using var app = await CreateAppAsync(dialect);
        var (owner, _, _, orgId) = await SignInAsync(app, "owner@acme.test", "acme", "owner");
        await AddProviderAsync(owner, orgId, ProviderBody(provider));
        await provider.SetAccountAsync("bob", new { groups = new[] { "tessera-users" } });
        var valid = await provider.AccessTokenAsync("bob", Audience);
        Assert.Equal("member", await RoleOrCodeAsync(Holding(app, valid), "acme"));

        await provider.SetAccountAsync("erin", new { groups = new[] { "tessera-users" }, ttl = 1 });
        var expiring = await provider.AccessTokenAsync("erin", Audience);
        var cases = new Dictionary<string, string>
        {
            ["TOKEN_AUDIENCE_INVALID"] = await provider.AccessTokenAsync("bob", "https://another-api.test"),
            ["TOKEN_ISSUER_UNKNOWN"] = await stranger.AccessTokenAsync("bob", Audience),
            ["TOKEN_SIGNATURE_INVALID"] = Tampered(valid),
            ["TOKEN_MALFORMED"] = "not.a.jwt",
        };
        cases["TOKEN_SIGNATURE_INVALID (a key the provider never published)"] = SignedWithOwnKey(provider.Issuer);
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        cases["TOKEN_EXPIRED"] = expiring;

        foreach (var (expected, token) in cases)
        {
            var response = await Holding(app, token).GetAsync(new Uri("/api/v1/orgs", UriKind.Relative));
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal(expected.Split(' ')[0], await CodeOf(response));
        }
        var rejected = await AuditDetailsAsync(app, "auth.token_rejected");
        foreach (var code in new[] { "TOKEN_AUDIENCE_INVALID", "TOKEN_ISSUER_UNKNOWN", "TOKEN_SIGNATURE_INVALID", "TOKEN_EXPIRED" })
            Assert.Contains(rejected, d => d.StartsWith(code, StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task A_sign_ins_id_token_is_no_api_token_even_where_the_api_audience_is_the_client_id(string dialect)
    {
        await using var provider = await OidcTestProvider.StartAsync();
        await using var app = await CreateAppAsync(dialect);
        var (owner, _, _, orgId) = await SignInAsync(app, "owner@acme.test", "acme", "owner");
        // No audience given: the client id is the API audience, as it is an ID token's.
        await AddProviderAsync(owner, orgId, new { name = "web", issuer = provider.Issuer, client_id = "tessera-web", default_role = "member" });
        await AddProviderAsync(owner, orgId, ProviderBody(provider));
        await provider.SetAccountAsync("bob", new { groups = new[] { "tessera-users" } });

        // An access token for the API's own audience may carry a nonce, as Keycloak's did before version 24 (bob is
        // created just in time through the second provider here, and found through the first below).
        Assert.Equal("member", await RoleOrCodeAsync(Holding(app, await provider.IdTokenAsync("bob", Audience, nonce: "copied-nonce")), "acme"));
        // The sign-out address carries the ID token; its nonce (Tessera's sign-in always asks for one) gives it away.
        var idToken = await provider.IdTokenAsync("bob", "tessera-web", nonce: "sign-in-nonce");
        var refused = await Holding(app, idToken).GetAsync(new Uri("/api/v1/orgs", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal("TOKEN_AUDIENCE_INVALID", await CodeOf(refused));
        // Without a nonce the same token reads as an access token for that audience (why an explicit audience is better).
        Assert.Equal("member", await RoleOrCodeAsync(Holding(app, await provider.IdTokenAsync("bob", "tessera-web", nonce: null)), "acme"));
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task A_rotated_signing_key_is_picked_up_from_the_providers_keys(string dialect)
    {
        await using var provider = await OidcTestProvider.StartAsync();
        await using var app = await CreateAppAsync(dialect);
        var (owner, _, _, orgId) = await SignInAsync(app, "owner@acme.test", "acme", "owner");
        await AddProviderAsync(owner, orgId, ProviderBody(provider));
        await provider.SetAccountAsync("carol", new { groups = new[] { "tessera-readers" } });
        var before = await provider.AccessTokenAsync("carol", Audience);
        Assert.Equal("viewer", await RoleOrCodeAsync(Holding(app, before), "acme"));

        var kid = await provider.RotateKeysAsync();
        // Keys are fetched again at most this often, so a forged key id cannot make Tessera hammer the provider.
        await Task.Delay(ProviderMetadata.MinRefreshInterval);
        var after = await provider.AccessTokenAsync("carol", Audience);

        Assert.Equal(kid, new JsonWebToken(after).Kid);
        Assert.Equal("viewer", await RoleOrCodeAsync(Holding(app, after), "acme"));
        Assert.Equal("viewer", await RoleOrCodeAsync(Holding(app, before), "acme"));
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task A_token_from_one_organizations_provider_sees_nothing_of_another(string dialect)
    {
        await using var providerA = await OidcTestProvider.StartAsync();
        await using var providerB = await OidcTestProvider.StartAsync();
        await using var app = await CreateAppAsync(dialect);
        var (ownerA, _, _, orgA) = await SignInAsync(app, "owner@acme.test", "acme", "owner");
        var (ownerB, _, _, orgB) = await SignInAsync(app, "owner@beta.test", "beta", "owner");
        await AddProviderAsync(ownerA, orgA, ProviderBody(providerA));
        await AddProviderAsync(ownerB, orgB, ProviderBody(providerB));
        await providerA.SetAccountAsync("dave", new { groups = new[] { "tessera-admins" } });
        await providerB.SetAccountAsync("dave", new { groups = new[] { "tessera-admins" } });

        var daveOfA = await ClientOfAsync(app, providerA, "dave");
        Assert.Equal("admin", await RoleOrCodeAsync(daveOfA, "acme"));
        Assert.Null(await RoleOrCodeAsync(daveOfA, "beta"));
        foreach (var path in new[] { $"/api/v1/orgs/{orgB}/members", $"/api/v1/orgs/{orgB}/identity-providers" })
            Assert.Equal(HttpStatusCode.NotFound, (await daveOfA.GetAsync(new Uri(path, UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await daveOfA.GetAsync(new Uri($"/api/v1/orgs/{orgA}/members", UriKind.Relative))).StatusCode);

        // Provider B's "dave" is another subject of another issuer: never linked to A's user by their shared email.
        Assert.Equal("TOKEN_NO_ACCOUNT", await RoleOrCodeAsync(await ClientOfAsync(app, providerB, "dave"), "beta"));
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task Just_in_time_creation_needs_the_providers_consent_a_verified_email_in_an_allowed_domain_and_happens_once_under_a_race(string dialect)
    {
        await using var provider = await OidcTestProvider.StartAsync();
        await using var app = await CreateAppAsync(dialect);
        var (ownerA, _, _, orgA) = await SignInAsync(app, "owner@acme.test", "acme", "owner");
        var (ownerB, _, _, orgB) = await SignInAsync(app, "owner@beta.test", "beta", "owner");
        await AddProviderAsync(ownerA, orgA, ProviderBody(provider));
        // Beta trusts the same provider under another audience, without creating users.
        await AddProviderAsync(ownerB, orgB, new { name = "no-jit", issuer = provider.Issuer, client_id = "beta", audience = BetaAudience, role_mappings = new Dictionary<string, string> { ["tessera-users"] = "member" } });
        await provider.SetAccountAsync("frank", new { groups = new[] { "tessera-users" } });
        await provider.SetAccountAsync("erin", new { email = "erin@elsewhere.test", groups = new[] { "tessera-users" } });
        // An address the provider has not verified may be anyone's: no account is made for it, in an allowed domain or not.
        await provider.SetAccountAsync("carol", new { email_verified = false, groups = new[] { "tessera-users" } });

        Assert.Equal("TOKEN_NO_ACCOUNT", await RoleOrCodeAsync(await ClientOfAsync(app, provider, "frank", BetaAudience), "beta"));
        Assert.Equal("TOKEN_NO_ACCOUNT", await RoleOrCodeAsync(await ClientOfAsync(app, provider, "erin"), "acme"));
        Assert.Equal("TOKEN_NO_ACCOUNT", await RoleOrCodeAsync(await ClientOfAsync(app, provider, "carol"), "acme"));
        Assert.Empty(await AuditDetailsAsync(app, "user.create_jit"));
        var token = await provider.AccessTokenAsync("frank", Audience);
        var responses = await Races.RunAsync(8, _ => Holding(app, token).GetAsync(new Uri("/api/v1/orgs", UriKind.Relative)));
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Single(await AuditDetailsAsync(app, "user.create_jit"));
        // Once linked through acme's provider, beta's provider (same issuer, same subject) finds the user and makes them a member.
        Assert.Equal("member", await RoleOrCodeAsync(await ClientOfAsync(app, provider, "frank", BetaAudience), "beta"));
    }

    /// <summary>The token with one bit of its signature changed.</summary>
    private static string Tampered(string token)
    {
        var signature = Base64UrlEncoder.DecodeBytes(token[(token.LastIndexOf('.') + 1)..]);
        signature[10] ^= 1;
        return token[..(token.LastIndexOf('.') + 1)] + Base64UrlEncoder.Encode(signature);
    }

    /// <summary>A well-formed token for the provider's issuer and Tessera's audience, signed with a key of our own.</summary>
    private static string SignedWithOwnKey(string issuer)
    {
        using var rsa = RSA.Create(2048);
        var key = new RsaSecurityKey(rsa) { KeyId = Guid.NewGuid().ToString() };
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = Audience,
            Expires = DateTime.UtcNow.AddMinutes(5),
            Claims = new Dictionary<string, object> { ["sub"] = "bob", ["email"] = "bob@example.com", ["groups"] = new[] { "tessera-admins" } },
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.RsaSha256),
        });
    }
}
