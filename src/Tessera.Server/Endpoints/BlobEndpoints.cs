using Microsoft.AspNetCore.Http.HttpResults;
using Tessera.Core.Blobs;
using Tessera.Core.Errors;
using Tessera.Core.Security;
using Tessera.Server.Hosting;

namespace Tessera.Server.Endpoints;

/// <summary>
/// Downloads through signed, expiring URLs: whoever holds the URL may fetch the blob until it expires. Each URL is
/// signed for one organization (the <c>owner</c> parameter, inside the signature): whoever signs one must first
/// have checked that this organization holds the blob, and no URL can be re-pointed at another organization.
/// </summary>
internal static class BlobEndpoints
{
    public static RouteGroupBuilder MapBlobEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/blobs/{sha256}", DownloadAsync)
            .WithName("DownloadBlob").Produces(StatusCodes.Status200OK, contentType: "application/octet-stream").ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("Download a blob through a signed URL (owner + expires + signature query parameters).")
            .WithTags("blobs");
        return api;
    }

    /// <summary>The signed path for <paramref name="sha256"/> as held by <paramref name="orgId"/>, valid for <paramref name="lifetime"/>.</summary>
    public static async Task<string> SignDownloadAsync(UrlSignerProvider signers, Guid orgId, string sha256, TimeSpan lifetime) =>
        (await signers.GetAsync().ConfigureAwait(false)).Sign("GET", $"/api/v1/blobs/{sha256}", orgId.ToString("D"), lifetime);

    private static async Task<FileStreamHttpResult> DownloadAsync(
        string sha256, HttpRequest request, IBlobStore blobs, UrlSignerProvider signers, CancellationToken cancellationToken)
    {
        var signer = await signers.GetAsync().ConfigureAwait(false);
        var check = signer.Verify("GET", request.Path, request.Query[UrlSigner.OwnerParameter],
            request.Query[UrlSigner.ExpiresParameter], request.Query[UrlSigner.SignatureParameter]);
        switch (check)
        {
            case SignatureCheck.Missing:
                throw new TesseraException("SIGNATURE_REQUIRED", 403, "This download needs a signed URL (owner, expires and signature parameters).");
            case SignatureCheck.Invalid:
                throw new TesseraException("SIGNATURE_INVALID", 403, "The download URL's signature does not match; request a new link.");
            case SignatureCheck.Expired:
                throw new TesseraException("SIGNATURE_EXPIRED", 403, "The download URL has expired; request a new link.");
        }
        var stream = await blobs.OpenReadAsync(sha256, cancellationToken).ConfigureAwait(false);
        return TypedResults.Stream(stream, "application/octet-stream", fileDownloadName: sha256, enableRangeProcessing: true);
    }
}
