using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace Tessera.Server.Auth.External;

/// <summary>
/// Each issuer's discovery document and signing keys (JWKS), fetched with the IdentityModel retriever and kept for
/// <see cref="MaxAge"/>. A token signed with a key we do not know asks for a refresh, which fetches again at most once
/// per <see cref="MinRefreshInterval"/>: a provider that rotated its keys is followed at once, while forged key ids
/// cannot make us hammer it. A failed fetch keeps the metadata we had, and that issuer is not asked again for
/// <see cref="RetryAfterFailure"/>; fetches for one issuer never wait on another's. A document whose endpoints are not
/// https (http only for an http loopback issuer) is refused as a failure.
/// </summary>
internal sealed partial class ProviderMetadata(IHttpClientFactory clients, TimeProvider time, ILogger<ProviderMetadata> logger) : IDisposable
{
    public const string HttpClientName = "identity-providers";
    public static readonly TimeSpan MaxAge = TimeSpan.FromHours(1);
    public static readonly TimeSpan MinRefreshInterval = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan RetryAfterFailure = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<string, IssuerMetadata> issuers = new(StringComparer.Ordinal);

    /// <summary>One issuer's lock and state; the state is replaced whole (by the lock's holder), so a reader never sees it half changed.</summary>
    private sealed class IssuerMetadata
    {
        public SemaphoreSlim Fetching { get; } = new(1, 1);
        public volatile FetchState State = FetchState.None;
    }

    /// <summary>The last good metadata, when it was fetched, and when a fetch last failed.</summary>
    private sealed record FetchState(OpenIdConnectConfiguration? Configuration, DateTimeOffset FetchedAt, DateTimeOffset FailedAt)
    {
        public static readonly FetchState None = new(null, DateTimeOffset.MinValue, DateTimeOffset.MinValue);
    }

    /// <summary>The issuer's metadata; null when it was never fetched and cannot be now.</summary>
    public Task<OpenIdConnectConfiguration?> GetAsync(string issuer, CancellationToken cancellationToken) =>
        FetchUnlessAsync(issuer, MaxAge, cancellationToken);

    /// <summary>Fresh metadata after a token named an unknown key; null when it was fetched too recently to ask again.</summary>
    public async Task<OpenIdConnectConfiguration?> RefreshAsync(string issuer, CancellationToken cancellationToken)
    {
        var before = issuers.GetValueOrDefault(issuer)?.State.Configuration;
        var after = await FetchUnlessAsync(issuer, MinRefreshInterval, cancellationToken).ConfigureAwait(false);
        return ReferenceEquals(after, before) ? null : after;
    }

    private async Task<OpenIdConnectConfiguration?> FetchUnlessAsync(string issuer, TimeSpan freshFor, CancellationToken cancellationToken)
    {
        var entry = issuers.GetOrAdd(issuer, _ => new IssuerMetadata());
        var current = entry.State;
        if (Settled(current, freshFor)) return current.Configuration;
        await entry.Fetching.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Another request may have fetched (or failed to) while this one waited.
            var state = entry.State;
            if (Settled(state, freshFor)) return state.Configuration;
            var configuration = await RetrieveAsync(issuer, cancellationToken).ConfigureAwait(false);
            state = configuration is null ? state with { FailedAt = time.GetUtcNow() } : state with { Configuration = configuration, FetchedAt = time.GetUtcNow() };
            entry.State = state;
            return state.Configuration;
        }
        finally
        {
            entry.Fetching.Release();
        }
    }

    /// <summary>Whether the state is the answer now: fresh enough, or its last try failed too recently to try again.</summary>
    private bool Settled(FetchState state, TimeSpan freshFor)
    {
        var now = time.GetUtcNow();
        return (state.Configuration is not null && now - state.FetchedAt < freshFor) || now - state.FailedAt < RetryAfterFailure;
    }

    public void Dispose()
    {
        foreach (var entry in issuers.Values) entry.Fetching.Dispose();
    }

    private async Task<OpenIdConnectConfiguration?> RetrieveAsync(string issuer, CancellationToken cancellationToken)
    {
        var address = issuer.TrimEnd('/') + "/.well-known/openid-configuration";
        // Issuers are https, or http on a loopback address (checked when the provider was added).
        var retriever = new HttpDocumentRetriever(clients.CreateClient(HttpClientName)) { RequireHttps = !new Uri(issuer).IsLoopback };
        try
        {
            var configuration = await OpenIdConnectConfigurationRetriever.GetAsync(address, retriever, cancellationToken).ConfigureAwait(false);
            if (configuration.Issuer != issuer)
            {
                LogIssuerMismatch(logger, issuer, configuration.Issuer);
                return null;
            }
            if (UnsafeEndpoint(issuer, configuration) is { } endpoint)
            {
                LogUnsafeEndpoint(logger, issuer, endpoint);
                return null;
            }
            return configuration;
        }
        catch (Exception e) when (e is IOException or ArgumentException or InvalidOperationException or HttpRequestException or JsonException
            && !cancellationToken.IsCancellationRequested)
        {
            LogFetchFailed(logger, address, e);
            return null;
        }
    }

    /// <summary>
    /// The first endpoint the browser is sent to or the server calls that is not https (or, for an http issuer, which
    /// is on a loopback address, http on a loopback address): a document that names one is not followed. The sign-out
    /// endpoint is optional.
    /// </summary>
    private static string? UnsafeEndpoint(string issuer, OpenIdConnectConfiguration configuration)
    {
        var loopbackIssuer = new Uri(issuer).Scheme == Uri.UriSchemeHttp;
        (string Name, string? Value, bool Required)[] endpoints =
        [
            ("authorization_endpoint", configuration.AuthorizationEndpoint, true),
            ("token_endpoint", configuration.TokenEndpoint, true),
            ("jwks_uri", configuration.JwksUri, true),
            ("end_session_endpoint", configuration.EndSessionEndpoint, false),
        ];
        foreach (var (name, value, required) in endpoints)
        {
            if (string.IsNullOrEmpty(value) && !required) continue;
            if (!Uri.TryCreate(value, UriKind.Absolute, out var endpoint)) return $"{name} {value}";
            if (endpoint.Scheme == Uri.UriSchemeHttps || (loopbackIssuer && endpoint.Scheme == Uri.UriSchemeHttp && IsLoopbackAddress(endpoint))) continue;
            return $"{name} {value}";
        }
        return null;
    }

    private static bool IsLoopbackAddress(Uri uri) => IPAddress.TryParse(uri.DnsSafeHost, out var address) && IPAddress.IsLoopback(address);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Identity provider metadata at {Address} could not be fetched")]
    private static partial void LogFetchFailed(ILogger logger, string address, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Identity provider {Issuer} published a discovery document for issuer {Published}: ignored")]
    private static partial void LogIssuerMismatch(ILogger logger, string issuer, string published);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Identity provider {Issuer} names an endpoint that is not https ({Endpoint}): its discovery document is ignored")]
    private static partial void LogUnsafeEndpoint(ILogger logger, string issuer, string endpoint);
}
