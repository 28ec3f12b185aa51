using Dapper;
using Tessera.Core.Blobs;
using Tessera.Data;

namespace Tessera.Platform.Blobs;

/// <summary>The published index snapshots (<c>vector_snapshots</c>) reference their blobs.</summary>
internal sealed class SnapshotBlobReferences(TesseraDatabase database) : IBlobReferences
{
    public async Task<IReadOnlySet<string>> FindReferencedAsync(IReadOnlyCollection<string> sha256s, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var found = await connection.QueryAsync<string>(new CommandDefinition(
            "SELECT DISTINCT blob_sha256 FROM vector_snapshots WHERE " + database.Dialect.InList("blob_sha256", "hashes"),
            new { hashes = database.Dialect.ListValue(sha256s) }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return found.ToHashSet(StringComparer.Ordinal);
    }
}
