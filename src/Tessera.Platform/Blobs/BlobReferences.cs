using Tessera.Core.Blobs;

namespace Tessera.Platform.Blobs;

/// <summary>Asks every module's <see cref="IBlobReferences"/> whether blobs are still referenced.</summary>
public sealed class BlobReferences(IEnumerable<IBlobReferences> sources)
{
    public async Task<IReadOnlySet<string>> FindReferencedAsync(IReadOnlyCollection<string> sha256s, CancellationToken cancellationToken = default)
    {
        var referenced = new HashSet<string>(StringComparer.Ordinal);
        if (sha256s.Count == 0) return referenced;
        foreach (var source in sources)
            referenced.UnionWith(await source.FindReferencedAsync(sha256s, cancellationToken).ConfigureAwait(false));
        return referenced;
    }

    public async Task<bool> IsReferencedAsync(string sha256, CancellationToken cancellationToken = default) =>
        (await FindReferencedAsync([sha256], cancellationToken).ConfigureAwait(false)).Count > 0;
}
