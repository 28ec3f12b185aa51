using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Tessera.Server.Auth.External;
using Tessera.Testing;
using static Tessera.Server.Tests.AuthTestKit;
using static Tessera.Server.Tests.ExternalAuth.ExternalAuthKit;

namespace Tessera.Server.Tests.ExternalAuth;

/// <summary>
/// Where Tessera connects for a provider: only public addresses unless the operator allows internal ones (an admin's
/// issuer must not make the server probe its own network), and only the https endpoints a discovery document names.
/// </summary>
public class ProviderNetworkTests
{
    [Theory]
    [InlineData("8.8.8.8", true)]
    [InlineData("172.32.0.1", true)]
    [InlineData("2606:4700::1111", true)]
    [InlineData("::ffff:8.8.8.8", true)]
    [InlineData("127.0.0.1", false)]
    [InlineData("0.0.0.0", false)]
    [InlineData("10.1.2.3", false)]
    [InlineData("172.16.0.1", false)]
    [InlineData("192.168.1.1", false)]
    [InlineData("100.64.0.1", false)]
    [InlineData("169.254.169.254", false)]
    [InlineData("224.0.0.1", false)]
    [InlineData("::1", false)]
    [InlineData("::", false)]
    [InlineData("fe80::1", false)]
    [InlineData("fd00::1", false)]
    [InlineData("::ffff:10.0.0.1", false)]
    [InlineData("64:ff9b::a00:1", false)]
    [InlineData("2002:a00:1::", false)]
    [InlineData("2001:db8::1", false)]
    [InlineData("64:ff9b:1::a00:1", false)]
    [InlineData("2001::1", false)]
    [InlineData("100::1", false)]
    [InlineData("2001:4860::8888", true)]
    public void Only_public_addresses_are_public(string address, bool isPublic) =>
        Assert.Equal(isPublic, ProviderNetwork.IsPublic(IPAddress.Parse(address)));

    [Fact]
    public async Task A_provider_on_loopback_is_dialled_only_when_private_networks_are_allowed()
    {
        await using var provider = await OidcTestProvider.StartAsync();
        // By name, so the check runs on what the name resolves to.
        var discovery = new Uri(provider.Issuer.Replace("127.0.0.1", "localhost", StringComparison.Ordinal) + "/.well-known/openid-configuration");
        using (var publicOnly = new HttpClient(ProviderNetwork.Handler(allowPrivateNetworks: false)))
        {
            var refused = await Assert.ThrowsAsync<HttpRequestException>(() => publicOnly.GetAsync(discovery));
            Assert.Contains("auth:allow_private_network_providers", refused.Message, StringComparison.Ordinal);
        }
        using var any = new HttpClient(ProviderNetwork.Handler(allowPrivateNetworks: true));
        using var answered = await any.GetAsync(discovery);
        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
    }

    [Fact]
    public async Task A_failed_fetch_is_not_retried_for_a_while_and_holds_up_no_other_issuer_and_redirects_are_not_followed()
    {
        using var idp = FakeProvider.Start();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var clients = new ProviderClients();
        using var metadata = new ProviderMetadata(clients, time, NullLogger<ProviderMetadata>.Instance);

        Assert.Null(await metadata.GetAsync(idp.Issuer("not-json"), CancellationToken.None));
        Assert.Null(await metadata.GetAsync(idp.Issuer("not-json"), CancellationToken.None));
        Assert.Equal(1, idp.DiscoveryRequests("not-json"));
        Assert.NotNull(await metadata.GetAsync(idp.Issuer("sound"), CancellationToken.None));
        time.Advance(ProviderMetadata.RetryAfterFailure + TimeSpan.FromSeconds(1));
        Assert.Null(await metadata.GetAsync(idp.Issuer("not-json"), CancellationToken.None));
        Assert.Equal(2, idp.DiscoveryRequests("not-json"));

        // The document moved (a redirect to the sound one): not followed.
        Assert.Null(await metadata.GetAsync(idp.Issuer("moved"), CancellationToken.None));
        Assert.Equal(1, idp.DiscoveryRequests("moved"));
    }

    /// <summary>The app's named client for providers, as AuthSetup configures it (private networks allowed: the fake provider is on loopback).</summary>
    private sealed class ProviderClients : IHttpClientFactory, IDisposable
    {
        private readonly SocketsHttpHandler _handler = ProviderNetwork.Handler(allowPrivateNetworks: true);

        public HttpClient CreateClient(string name) => new(_handler, disposeHandler: false);

        public void Dispose() => _handler.Dispose();
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task By_default_a_provider_on_an_internal_address_is_unavailable_for_tokens_and_sign_in(string dialect)
    {
        await using var provider = await OidcTestProvider.StartAsync();
        await using var app = await CreateAppAsync(dialect, privateNetworkProviders: false);
        var (owner, _, _, orgId) = await SignInAsync(app, "owner@acme.test", "acme", "owner");
        var providerId = (await AddProviderAsync(owner, orgId, ProviderBody(provider))).GetProperty("id").GetGuid();
        await provider.SetAccountAsync("bob", new { groups = new[] { "tessera-users" } });

        Assert.Equal("TOKEN_ISSUER_UNAVAILABLE", await RoleOrCodeAsync(await ClientOfAsync(app, provider, "bob"), "acme"));
        using var browser = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        using var start = await browser.GetAsync(new Uri($"/signin/provider/{providerId}", UriKind.Relative));
        Assert.Equal("/signin?error=SIGNIN_PROVIDER_UNAVAILABLE", start.Headers.Location!.OriginalString);
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task A_discovery_document_naming_an_endpoint_that_is_not_https_is_not_followed(string dialect)
    {
        using var documents = FakeProvider.Start();
        await using var app = await CreateAppAsync(dialect);
        var (owner, _, _, orgId) = await SignInAsync(app, "owner@acme.test", "acme", "owner");
        using var browser = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        async Task<string> StartAsync(string name)
        {
            var id = (await AddProviderAsync(owner, orgId, new { name, issuer = documents.Issuer(name), client_id = "tessera" })).GetProperty("id").GetGuid();
            using var start = await browser.GetAsync(new Uri($"/signin/provider/{id}", UriKind.Relative));
            return start.Headers.Location!.OriginalString;
        }

        Assert.StartsWith(documents.Issuer("sound") + "/auth?", await StartAsync("sound"), StringComparison.Ordinal);
        Assert.Equal("/signin?error=SIGNIN_PROVIDER_UNAVAILABLE", await StartAsync("plain-http-token-endpoint"));
        Assert.Equal("/signin?error=SIGNIN_PROVIDER_UNAVAILABLE", await StartAsync("script-sign-out"));
    }
}
