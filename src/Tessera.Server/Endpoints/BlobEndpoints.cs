using Microsoft.AspNetCore.Http.HttpResults;
using Tessera.Core.Blobs;
using Tessera.Platform.Downloads;

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
    public static Task<string> SignDownloadAsync(SignedDownloads downloads, Guid orgId, string sha256, TimeSpan lifetime) =>
        downloads.SignAsync($"/api/v1/blobs/{sha256}", orgId, lifetime);

    private static async Task<FileStreamHttpResult> DownloadAsync(
        string sha256, HttpRequest request, IBlobStore blobs, SignedDownloads downloads, CancellationToken cancellationToken)
    {
        await downloads.VerifyAsync(request).ConfigureAwait(false);
        var stream = await blobs.OpenReadAsync(sha256, cancellationToken).ConfigureAwait(false);
        return TypedResults.Stream(stream, "application/octet-stream", fileDownloadName: sha256, enableRangeProcessing: true);
    }
}
