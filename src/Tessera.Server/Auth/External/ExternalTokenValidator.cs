using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Tessera.Core.Identity;
using Tessera.Core.Security;
using Tessera.Data.Identity;
using Tessera.Data.Identity.Providers;
using Tessera.Server.Hosting;

namespace Tessera.Server.Auth.External;

/// <summary>
/// Accepts an identity provider's JWT access token: its <c>iss</c> names a configured provider, its signature verifies
/// against that provider's published keys, its <c>aud</c> holds the provider's audience, it is no sign-in's ID token,
/// and it is within its lifetime (give or take the clock skew setting). Then <see cref="ExternalSignIn"/> finds the
/// user and their role in the provider's organization. Each refusal names the check that failed.
/// </summary>
internal sealed class ExternalTokenValidator(
    IdentityProviderDirectory directory, ProviderMetadata metadata, ExternalSignIn signIn, RejectedTokenAudit rejections, TesseraSettings settings)
{
    private static readonly JsonWebTokenHandler Handler = new();

    /// <summary>A JWT's shape (three dot-separated parts), so a Tessera token never takes this path.</summary>
    public static bool LooksLikeJwt(string token) =>
        !token.StartsWith(ApiTokenFormat.Prefix, StringComparison.Ordinal) && token.Count(c => c == '.') == 2;

    public async Task<(Principal? Principal, TokenFailure? Failure)> AuthenticateAsync(string token, AuditActor actor, CancellationToken cancellationToken)
    {
        if (!Handler.CanReadToken(token)) return (null, TokenFailure.Malformed);
        string issuer;
        try
        {
            issuer = Handler.ReadJsonWebToken(token).Issuer;
        }
        catch (ArgumentException)
        {
            return (null, TokenFailure.Malformed);
        }
        var providers = issuer.Length == 0 ? [] : await directory.FindByIssuerAsync(issuer, cancellationToken).ConfigureAwait(false);
        if (providers.Count == 0) return await RejectAsync(null, TokenFailure.IssuerUnknown, actor, cancellationToken).ConfigureAwait(false);

        var configuration = await metadata.GetAsync(issuer, cancellationToken).ConfigureAwait(false);
        if (configuration is null) return await RejectAsync(providers[0], TokenFailure.IssuerUnavailable, actor, cancellationToken).ConfigureAwait(false);
        var result = await ValidateAsync(token, issuer, providers, configuration.SigningKeys, cancellationToken).ConfigureAwait(false);
        if (result.Exception is SecurityTokenSignatureKeyNotFoundException && await metadata.RefreshAsync(issuer, cancellationToken).ConfigureAwait(false) is { } refreshed)
            result = await ValidateAsync(token, issuer, providers, refreshed.SigningKeys, cancellationToken).ConfigureAwait(false);
        if (!result.IsValid)
        {
            var provider = providers.Count == 1 ? providers[0] : null;
            return await RejectAsync(provider, FailureOf(result.Exception), actor, cancellationToken).ConfigureAwait(false);
        }

        var jwt = (JsonWebToken)result.SecurityToken;
        var audiences = jwt.Audiences.ToHashSet(StringComparer.Ordinal);
        var accepted = providers.First(p => audiences.Contains(p.Audience));
        // Tessera's sign-in always asks for a nonce, so its ID tokens carry one and name the client as audience: such a
        // token proves a sign-in to the client and is no API credential, even where the API audience is the client id
        // (the sign-out address carries it). Access tokens for another audience may carry a nonce (Keycloak before 24).
        if (audiences.Contains(accepted.ClientId) && jwt.TryGetPayloadValue<string>("nonce", out _))
            return await RejectAsync(accepted, TokenFailure.AudienceInvalid, actor, cancellationToken).ConfigureAwait(false);
        var claims = ExternalClaims.Read(accepted, issuer, result.ClaimsIdentity);
        if (claims is null) return await RejectAsync(accepted, TokenFailure.NoAccount, actor, cancellationToken).ConfigureAwait(false);
        var (principal, failure) = await signIn.ResolveAsync(accepted, claims, actor, cancellationToken).ConfigureAwait(false);
        return principal is null ? await RejectAsync(accepted, failure!.Value, actor, cancellationToken).ConfigureAwait(false) : (principal, null);
    }

    private Task<TokenValidationResult> ValidateAsync(
        string token, string issuer, IReadOnlyList<IdentityProviderRecord> providers, IEnumerable<SecurityKey> keys, CancellationToken cancellationToken) =>
        Handler.ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = issuer,
            ValidAudiences = providers.Select(p => p.Audience),
            IssuerSigningKeys = keys,
            // Only the token's own kid may verify it: without this a key-id miss would try every key and hide a rotation.
            TryAllIssuerSigningKeys = false,
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            ValidateLifetime = true,
            ClockSkew = settings.ClockSkew,
        }).WaitAsync(cancellationToken);

    internal static TokenFailure FailureOf(Exception? exception) => exception switch
    {
        SecurityTokenInvalidIssuerException => TokenFailure.IssuerUnknown,
        SecurityTokenInvalidAudienceException => TokenFailure.AudienceInvalid,
        SecurityTokenExpiredException => TokenFailure.Expired,
        SecurityTokenNotYetValidException => TokenFailure.NotYetValid,
        SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException or SecurityTokenInvalidAlgorithmException => TokenFailure.SignatureInvalid,
        _ => TokenFailure.Malformed,
    };

    private async Task<(Principal?, TokenFailure?)> RejectAsync(IdentityProviderRecord? provider, TokenFailure failure, AuditActor actor, CancellationToken cancellationToken)
    {
        await rejections.RecordAsync(provider, failure, actor, cancellationToken).ConfigureAwait(false);
        return (null, failure);
    }
}
