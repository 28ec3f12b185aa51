using Tessera.Core.Blobs;
using Tessera.Core.Concurrency;

namespace Tessera.Platform.Blobs;

/// <summary>
/// Streams uploads into the blob store before a module records them. One per process for every module: the store is
/// content-addressed and shared, so a failing upload in one module must not delete bytes another is recording.
/// </summary>
public sealed class UploadStaging(IBlobStore blobs, BlobReferences references)
{
    private readonly KeyedSlots<string> _inFlight = new();

    /// <summary>Stores <paramref name="content"/>; dispose the result once a row records it (or the upload fails).</summary>
    public async Task<StagedUpload> StoreAsync(Stream content, CancellationToken cancellationToken)
    {
        var blob = await blobs.PutAsync(content, cancellationToken).ConfigureAwait(false);
        return new StagedUpload(blob, blobs, references, _inFlight);
    }
}
