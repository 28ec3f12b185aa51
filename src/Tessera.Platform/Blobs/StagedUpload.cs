using Tessera.Core.Blobs;
using Tessera.Core.Concurrency;

namespace Tessera.Platform.Blobs;

/// <summary>
/// An uploaded file already in the blob store, not yet recorded by a row. Disposing it without <see cref="Keep"/>
/// (a refused, failed or cancelled upload) deletes the blob, unless a row references the same bytes or another
/// upload in this process holds them right now, so nothing is left half-stored.
/// </summary>
public sealed class StagedUpload : IAsyncDisposable
{
    private readonly IBlobStore _blobs;
    private readonly BlobReferences _references;
    private readonly KeyedSlots<string> _inFlight;
    private readonly IDisposable _slot;
    private bool _kept;

    internal StagedUpload(BlobRef blob, IBlobStore blobs, BlobReferences references, KeyedSlots<string> inFlight)
    {
        Blob = blob;
        _blobs = blobs;
        _references = references;
        _inFlight = inFlight;
        _slot = inFlight.TryEnter(blob.Sha256, int.MaxValue)!;
    }

    public BlobRef Blob { get; }

    /// <summary>A committed row references the blob now.</summary>
    public void Keep() => _kept = true;

    public async ValueTask DisposeAsync()
    {
        using (_slot)
        {
            if (_kept || _inFlight.Held(Blob.Sha256) > 1) return;
            // Cleanup runs after the request may have been aborted, so it does not take the request's token.
            if (!await _references.IsReferencedAsync(Blob.Sha256, CancellationToken.None).ConfigureAwait(false))
                await _blobs.DeleteAsync(Blob.Sha256, CancellationToken.None).ConfigureAwait(false);
        }
    }
}
