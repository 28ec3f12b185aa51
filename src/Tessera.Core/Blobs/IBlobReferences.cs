namespace Tessera.Core.Blobs;

/// <summary>
/// What one module knows about the blob store: which blobs its tables reference. The sweeper deletes a blob only
/// when no registered source references it, so each module that stores blob hashes registers one.
/// </summary>
public interface IBlobReferences
{
    /// <summary>Those of <paramref name="sha256s"/> that a row references.</summary>
    Task<IReadOnlySet<string>> FindReferencedAsync(IReadOnlyCollection<string> sha256s, CancellationToken cancellationToken = default);
}
