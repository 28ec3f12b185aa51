using System.Collections.Concurrent;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace Tessera.Server.Auth.External;

/// <summary>
/// Each issuer's discovery document and signing keys (JWKS), fetched with the IdentityModel retriever and kept for
/// <see cref="MaxAge"/>. A token signed with a key we do not know asks for a refresh, which fetches again at most once
/// per <see cref="MinRefreshInterval"/>: a provider that rotated its keys is followed at once, while forged key ids
/// cannot make us hammer it. A failed fetch keeps the keys we had.
/// </summary>
internal sealed partial class ProviderMetadata(IHttpClientFactory clients, TimeProvider time, ILogger<ProviderMetadata> logger) : IDisposable
{
    public const string HttpClientName = "identity-providers";
    public static readonly TimeSpan MaxAge = TimeSpan.FromHours(1);
    public static readonly TimeSpan MinRefreshInterval = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<string, Fetched> entries = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim fetching = new(1, 1);

    private sealed record Fetched(OpenIdConnectConfiguration Configuration, DateTimeOffset At);

    /// <summary>The issuer's metadata; null when it was never fetched and cannot be now.</summary>
    public Task<OpenIdConnectConfiguration?> GetAsync(string issuer, CancellationToken cancellationToken) =>
        FetchUnlessAsync(issuer, MaxAge, cancellationToken);

    /// <summary>Fresh metadata after a token named an unknown key; null when it was fetched too recently to ask again.</summary>
    public async Task<OpenIdConnectConfiguration?> RefreshAsync(string issuer, CancellationToken cancellationToken)
    {
        var before = entries.GetValueOrDefault(issuer);
        var after = await FetchUnlessAsync(issuer, MinRefreshInterval, cancellationToken).ConfigureAwait(false);
        return ReferenceEquals(after, before?.Configuration) ? null : after;
    }

    private async Task<OpenIdConnectConfiguration?> FetchUnlessAsync(string issuer, TimeSpan freshFor, CancellationToken cancellationToken)
    {
        if (Fresh(issuer, freshFor) is { } cached) return cached;
        await fetching.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Another request may have fetched it while this one waited.
            if (Fresh(issuer, freshFor) is { } fetched) return fetched;
            var configuration = await RetrieveAsync(issuer, cancellationToken).ConfigureAwait(false);
            if (configuration is null) return entries.GetValueOrDefault(issuer)?.Configuration;
            entries[issuer] = new Fetched(configuration, time.GetUtcNow());
            return configuration;
        }
        finally
        {
            fetching.Release();
        }
    }

    public void Dispose() => fetching.Dispose();

    private OpenIdConnectConfiguration? Fresh(string issuer, TimeSpan freshFor) =>
        entries.TryGetValue(issuer, out var entry) && time.GetUtcNow() - entry.At < freshFor ? entry.Configuration : null;

    private async Task<OpenIdConnectConfiguration?> RetrieveAsync(string issuer, CancellationToken cancellationToken)
    {
        var address = issuer.TrimEnd('/') + "/.well-known/openid-configuration";
        // Issuers are https, or http on loopback (checked when the provider was added).
        var retriever = new HttpDocumentRetriever(clients.CreateClient(HttpClientName)) { RequireHttps = !new Uri(issuer).IsLoopback };
        try
        {
            var configuration = await OpenIdConnectConfigurationRetriever.GetAsync(address, retriever, cancellationToken).ConfigureAwait(false);
            if (configuration.Issuer == issuer) return configuration;
            LogIssuerMismatch(logger, issuer, configuration.Issuer);
            return null;
        }
        catch (Exception e) when (e is IOException or ArgumentException or InvalidOperationException or HttpRequestException && !cancellationToken.IsCancellationRequested)
        {
            LogFetchFailed(logger, address, e);
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Identity provider metadata at {Address} could not be fetched")]
    private static partial void LogFetchFailed(ILogger logger, string address, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Identity provider {Issuer} published a discovery document for issuer {Published}: ignored")]
    private static partial void LogIssuerMismatch(ILogger logger, string issuer, string published);
}
