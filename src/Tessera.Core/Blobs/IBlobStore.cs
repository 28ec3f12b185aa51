namespace Tessera.Core.Blobs;

/// <summary>A stored blob: its content address (lower-case hex SHA-256) and size in bytes.</summary>
public sealed record BlobRef(string Sha256, long Size);

/// <summary>A blob as the store lists it: its address and when it was last written (or stored again).</summary>
public sealed record StoredBlob(string Sha256, DateTimeOffset LastWritten);

/// <summary>
/// Content-addressed storage for uploads, images, videos, exports and index snapshots.
/// Writes are streamed and atomic: a blob is visible whole or not at all.
/// </summary>
public interface IBlobStore
{
    /// <summary>The largest blob <see cref="PutAsync"/> accepts.</summary>
    long MaxBlobBytes { get; }

    /// <summary>Streams <paramref name="content"/> into the store; storing the same bytes twice keeps one copy.</summary>
    Task<BlobRef> PutAsync(Stream content, CancellationToken cancellationToken = default);

    /// <summary>Opens a blob for reading; throws a not-found error when it is absent.</summary>
    Task<Stream> OpenReadAsync(string sha256, CancellationToken cancellationToken = default);

    Task<bool> ExistsAsync(string sha256, CancellationToken cancellationToken = default);

    /// <summary>Every stored blob, in no particular order (for the sweeper of unreferenced blobs).</summary>
    IAsyncEnumerable<StoredBlob> ListAsync(CancellationToken cancellationToken = default);

    /// <summary>Deletes a blob; returns false when it did not exist.</summary>
    Task<bool> DeleteAsync(string sha256, CancellationToken cancellationToken = default);
}
