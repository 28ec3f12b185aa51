using Dapper;
using Tessera.Core.Blobs;
using Tessera.Data;

namespace Tessera.Omics.Storage;

/// <summary>A run references the blob of its uploaded file.</summary>
internal sealed class OmicsBlobReferences(TesseraDatabase database) : IBlobReferences
{
    public async Task<IReadOnlySet<string>> FindReferencedAsync(IReadOnlyCollection<string> sha256s, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var found = await connection.QueryAsync<string>(new CommandDefinition(
            "SELECT DISTINCT file_sha256 FROM omics_runs WHERE " + database.Dialect.InList("file_sha256", "hashes"),
            new { hashes = database.Dialect.ListValue(sha256s) }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return found.ToHashSet(StringComparer.Ordinal);
    }
}
