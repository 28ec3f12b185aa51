using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;
using Tessera.Data.Identity;
using Tessera.Data.Identity.Providers;
using Tessera.Server.Hosting;
using Tessera.Web.Session;

namespace Tessera.Server.Auth.External;

/// <summary>What the browser carries (protected) between leaving for the provider and coming back: single use.</summary>
internal sealed record PendingProviderSignIn(Guid ProviderId, string State, string Nonce, string CodeVerifier, string ReturnUrl);

/// <summary>A finished sign-in: the Tessera session, and what signing out needs to end the provider's session too.</summary>
internal sealed record CompletedProviderSignIn(IssuedToken Session, string IdToken, string ClientId, Uri? EndSessionEndpoint, string ReturnUrl);

/// <summary>The provider's answer at the callback address.</summary>
internal sealed record ProviderCallback(string? Code, string? State, string? Error);

/// <summary>
/// The web sign-in through an organization's provider: the authorization code flow with PKCE (S256), <c>state</c> and
/// <c>nonce</c>. The code is exchanged at the discovered token endpoint with the stored client secret; the ID token is
/// checked against the provider's published keys (the same cache as its API tokens), its issuer, the client id as
/// audience (and as the authorized party when it names one or has several audiences), its lifetime and the nonce; then
/// <see cref="ExternalSignIn"/> resolves the user and role exactly as for API tokens. Each refusal is one of
/// <see cref="ProviderSignInErrors"/>'s codes.
/// </summary>
internal sealed class ProviderSignInFlow(
    IdentityProviderService providers, ProviderMetadata metadata, ExternalSignIn signIn, RejectedTokenAudit rejections,
    IHttpClientFactory clients, TesseraSettings settings)
{
    private static readonly JsonWebTokenHandler Handler = new();

    public async Task<(Uri? AuthorizationUrl, PendingProviderSignIn? Pending, string? Error)> StartAsync(
        Guid providerId, Uri redirectUri, string returnUrl, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(redirectUri);
        var provider = await providers.FindForSignInAsync(providerId, cancellationToken).ConfigureAwait(false);
        if (provider is null) return (null, null, ProviderSignInErrors.ProviderUnknown);
        var configuration = await metadata.GetAsync(provider.Issuer, cancellationToken).ConfigureAwait(false);
        if (configuration is null || !Uri.TryCreate(configuration.AuthorizationEndpoint, UriKind.Absolute, out var endpoint))
            return (null, null, ProviderSignInErrors.ProviderUnavailable);

        var pending = new PendingProviderSignIn(provider.Id, RandomValue(), RandomValue(), RandomValue(), returnUrl);
        var parameters = new Dictionary<string, string>
        {
            ["response_type"] = "code",
            ["client_id"] = provider.ClientId,
            ["redirect_uri"] = redirectUri.AbsoluteUri,
            ["scope"] = string.Join(' ', provider.Scopes.Contains("openid") ? provider.Scopes : ["openid", .. provider.Scopes]),
            ["state"] = pending.State,
            ["nonce"] = pending.Nonce,
            ["code_challenge"] = Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(pending.CodeVerifier))),
            ["code_challenge_method"] = "S256",
        };
        var query = string.Join('&', parameters.Select(p => Uri.EscapeDataString(p.Key) + "=" + Uri.EscapeDataString(p.Value)));
        return (new Uri(endpoint.AbsoluteUri + (string.IsNullOrEmpty(endpoint.Query) ? "?" : "&") + query), pending, null);
    }

    public async Task<(CompletedProviderSignIn? Completed, string? Error)> CompleteAsync(
        PendingProviderSignIn? pending, ProviderCallback callback, Uri redirectUri, string sessionName, AuditActor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(callback);
        ArgumentNullException.ThrowIfNull(redirectUri);
        // The state binds the answer to the browser that asked: anything else is someone else's (or a replayed) sign-in.
        if (pending is null || callback.State is null || !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(callback.State), Encoding.UTF8.GetBytes(pending.State)))
            return (null, ProviderSignInErrors.StateInvalid);
        if (callback.Error is not null)
            return (null, callback.Error == "access_denied" ? ProviderSignInErrors.ConsentDenied : ProviderSignInErrors.ProviderError);
        if (string.IsNullOrEmpty(callback.Code)) return (null, ProviderSignInErrors.ProviderError);

        var provider = await providers.FindForSignInAsync(pending.ProviderId, cancellationToken).ConfigureAwait(false);
        if (provider is null) return (null, ProviderSignInErrors.ProviderUnknown);
        var configuration = await metadata.GetAsync(provider.Issuer, cancellationToken).ConfigureAwait(false);
        if (configuration is null || !Uri.TryCreate(configuration.TokenEndpoint, UriKind.Absolute, out var tokenEndpoint))
            return (null, ProviderSignInErrors.ProviderUnavailable);

        var secret = await providers.ClientSecretAsync(provider.OrgId, provider.Id, cancellationToken).ConfigureAwait(false);
        var (idToken, exchangeError) = await ExchangeCodeAsync(tokenEndpoint, provider, secret, callback.Code, pending.CodeVerifier, redirectUri, cancellationToken).ConfigureAwait(false);
        if (idToken is null) return (null, exchangeError);

        var result = await ValidateAsync(idToken, provider, configuration, cancellationToken).ConfigureAwait(false);
        if (result.Exception is SecurityTokenSignatureKeyNotFoundException && await metadata.RefreshAsync(provider.Issuer, cancellationToken).ConfigureAwait(false) is { } refreshed)
            result = await ValidateAsync(idToken, provider, refreshed, cancellationToken).ConfigureAwait(false);
        if (!result.IsValid)
            return await RejectAsync(provider, ExternalTokenValidator.FailureOf(result.Exception), ProviderSignInErrors.TokenInvalid, actor, cancellationToken).ConfigureAwait(false);
        if (!IssuedToClient((JsonWebToken)result.SecurityToken, provider.ClientId))
            return await RejectAsync(provider, TokenFailure.AudienceInvalid, ProviderSignInErrors.TokenInvalid, actor, cancellationToken).ConfigureAwait(false);
        var nonce = result.ClaimsIdentity.FindFirst("nonce")?.Value;
        if (nonce is null || !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(nonce), Encoding.UTF8.GetBytes(pending.Nonce)))
            return await RejectAsync(provider, TokenFailure.Malformed, ProviderSignInErrors.TokenInvalid, actor, cancellationToken).ConfigureAwait(false);

        var claims = ExternalClaims.Read(provider, provider.Issuer, result.ClaimsIdentity);
        if (claims is null) return await RejectAsync(provider, TokenFailure.NoAccount, ProviderSignInErrors.NoAccount, actor, cancellationToken).ConfigureAwait(false);
        var (session, failure) = await signIn.StartSessionAsync(provider, claims, sessionName, actor, cancellationToken).ConfigureAwait(false);
        if (session is null)
        {
            var error = failure == TokenFailure.NoRole ? ProviderSignInErrors.NoRole : ProviderSignInErrors.NoAccount;
            return await RejectAsync(provider, failure!.Value, error, actor, cancellationToken).ConfigureAwait(false);
        }
        var endSession = Uri.TryCreate(configuration.EndSessionEndpoint, UriKind.Absolute, out var end) ? end : null;
        return (new CompletedProviderSignIn(session, idToken, provider.ClientId, endSession, pending.ReturnUrl), null);
    }

    /// <summary>The ID token from the token endpoint (client_secret_basic when a secret is stored, else a public client).</summary>
    private async Task<(string? IdToken, string? Error)> ExchangeCodeAsync(
        Uri tokenEndpoint, IdentityProviderRecord provider, string? secret, string code, string codeVerifier, Uri redirectUri, CancellationToken cancellationToken)
    {
        var form = new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["code"] = code,
            ["redirect_uri"] = redirectUri.AbsoluteUri,
            ["code_verifier"] = codeVerifier,
        };
        if (secret is null) form["client_id"] = provider.ClientId;
        using var request = new HttpRequestMessage(HttpMethod.Post, tokenEndpoint) { Content = new FormUrlEncodedContent(form) };
        if (secret is not null)
        {
            // RFC 6749 2.3.1: both parts form-encoded before base64.
            var credentials = FormEncode(provider.ClientId) + ":" + FormEncode(secret);
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials)));
        }
        try
        {
            using var response = await clients.CreateClient(ProviderMetadata.HttpClientName).SendAsync(request, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode) return (null, ProviderSignInErrors.ProviderError);
            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false));
            return body.RootElement.ValueKind == JsonValueKind.Object && body.RootElement.TryGetProperty("id_token", out var idToken) && idToken.ValueKind == JsonValueKind.String
                ? (idToken.GetString(), null)
                : (null, ProviderSignInErrors.ProviderError);
        }
        catch (Exception e) when (e is HttpRequestException or JsonException || e is TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return (null, ProviderSignInErrors.ProviderUnavailable);
        }
    }

    private Task<TokenValidationResult> ValidateAsync(string idToken, IdentityProviderRecord provider, OpenIdConnectConfiguration configuration, CancellationToken cancellationToken) =>
        Handler.ValidateTokenAsync(idToken, new TokenValidationParameters
        {
            ValidIssuer = provider.Issuer,
            ValidAudience = provider.ClientId,
            IssuerSigningKeys = configuration.SigningKeys,
            TryAllIssuerSigningKeys = false,
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            ValidateLifetime = true,
            ClockSkew = settings.ClockSkew,
        }).WaitAsync(cancellationToken);

    /// <summary>
    /// OpenID Connect Core 3.1.3.7: an ID token with several audiences, or any <c>azp</c>, must name this client as the
    /// party it was issued to; otherwise it was made for another client that merely lists this one.
    /// </summary>
    private static bool IssuedToClient(JsonWebToken idToken, string clientId)
    {
        var authorizedParty = idToken.TryGetPayloadValue<string>("azp", out var azp) ? azp : null;
        return authorizedParty is null ? idToken.Audiences.Count() == 1 : authorizedParty == clientId;
    }

    private async Task<(CompletedProviderSignIn?, string?)> RejectAsync(
        IdentityProviderRecord provider, TokenFailure failure, string error, AuditActor actor, CancellationToken cancellationToken)
    {
        await rejections.RecordAsync(provider, failure, actor, cancellationToken).ConfigureAwait(false);
        return (null, error);
    }

    private static string FormEncode(string value) => Uri.EscapeDataString(value).Replace("%20", "+", StringComparison.Ordinal);

    /// <summary>256 random bits, base64url: unguessable state, nonce and PKCE verifier (43 characters, as RFC 7636 asks).</summary>
    private static string RandomValue() => Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
}
