using Microsoft.AspNetCore.Http;
using Tessera.Core.Errors;
using Tessera.Core.Security;
using Tessera.Data;

namespace Tessera.Platform.Downloads;

/// <summary>
/// Signed, expiring download URLs for any module: a URL is signed for one organization (the <c>owner</c> parameter,
/// inside the signature), so whoever signs one must first have checked the organization may read the resource, and
/// no URL can be re-pointed at another organization. The key lives in the database, so every API node of a
/// deployment verifies the signatures any other node made.
/// </summary>
public sealed class SignedDownloads(InstanceSettings instanceSettings, TimeProvider time)
{
    public const string KeyName = "url_signing_key";

    private readonly Lazy<Task<UrlSigner>> _signer = new(async () =>
        new UrlSigner(await instanceSettings.GetOrCreateSecretAsync(KeyName).ConfigureAwait(false), time));

    /// <summary><paramref name="path"/> with <c>owner</c>, <c>expires</c> and <c>signature</c> appended, for a GET by <paramref name="orgId"/>'s holder.</summary>
    public async Task<string> SignAsync(string path, Guid orgId, TimeSpan lifetime) =>
        (await SignLinkAsync(path, orgId, lifetime).ConfigureAwait(false)).Url;

    /// <summary>As <see cref="SignAsync"/>, with the exact moment the link stops working (whole seconds, as signed).</summary>
    public async Task<SignedLink> SignLinkAsync(string path, Guid orgId, TimeSpan lifetime)
    {
        var expiresAt = DateTimeOffset.FromUnixTimeSeconds(time.GetUtcNow().Add(lifetime).ToUnixTimeSeconds());
        var url = (await _signer.Value.ConfigureAwait(false)).Sign("GET", path, orgId.ToString("D"), expiresAt);
        return new SignedLink(url, expiresAt);
    }

    /// <summary>The organization the request's URL was signed for; a missing, wrong or expired signature is a 403 with its own code.</summary>
    public async Task<Guid> VerifyAsync(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var signer = await _signer.Value.ConfigureAwait(false);
        string? owner = request.Query[UrlSigner.OwnerParameter];
        var check = signer.Verify("GET", request.Path, owner, request.Query[UrlSigner.ExpiresParameter], request.Query[UrlSigner.SignatureParameter]);
        return check switch
        {
            SignatureCheck.Missing => throw new TesseraException("SIGNATURE_REQUIRED", 403, "This download needs a signed URL (owner, expires and signature parameters)."),
            SignatureCheck.Invalid => throw new TesseraException("SIGNATURE_INVALID", 403, "The download URL's signature does not match; request a new link."),
            SignatureCheck.Expired => throw new TesseraException("SIGNATURE_EXPIRED", 403, "The download URL has expired; request a new link."),
            // Only a URL this server signed gets here, and it signed the owner as a GUID.
            _ => Guid.Parse(owner!),
        };
    }
}

/// <summary>A signed path and when it expires.</summary>
public sealed record SignedLink(string Url, DateTimeOffset ExpiresAt);
