using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Core.Blobs;
using Tessera.Data;

namespace Tessera.Platform.Blobs;

/// <summary>
/// A table column that holds blob hashes (e.g. a run's uploaded file): the blobs it names are referenced. Table and
/// column come from code (<see cref="Modules.ModuleServices.AddBlobReferences"/>), never from input.
/// </summary>
public sealed class ColumnBlobReferences(TesseraDatabase database, string table, string column) : IBlobReferences
{
    public async Task<IReadOnlySet<string>> FindReferencedAsync(IReadOnlyCollection<string> sha256s, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var found = await connection.QueryAsync<string>(new CommandDefinition(
            $"SELECT DISTINCT {column} FROM {table} WHERE " + database.Dialect.InList(column, "hashes"),
            new { hashes = database.Dialect.ListValue(sha256s) }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return found.ToHashSet(StringComparer.Ordinal);
    }
}

internal static class BlobColumnRegistration
{
    public static IServiceCollection AddBlobColumn(this IServiceCollection services, string table, string column) =>
        services.AddSingleton<IBlobReferences>(sp => new ColumnBlobReferences(sp.GetRequiredService<TesseraDatabase>(), table, column));
}
