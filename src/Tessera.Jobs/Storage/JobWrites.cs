using System.Data.Common;
using Tessera.Data;

namespace Tessera.Jobs.Storage;

/// <summary>
/// The engine's write transactions. On SQLite, writers of one process take turns here: contending for the
/// database's write lock instead would land them in SQLite's busy handler, which sleeps in millisecond steps and
/// caps throughput. On PostgreSQL row locks do the work and this passes straight through.
/// </summary>
internal sealed class JobWrites(TesseraDatabase database) : IDisposable
{
    private readonly SemaphoreSlim _sqliteWriter = new(1, 1);

    public SqlDialect Dialect => database.Dialect;

    public async Task<T> InTransactionAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken cancellationToken)
    {
        if (database.Dialect != SqlDialect.Sqlite) return await database.InTransactionAsync(work, cancellationToken).ConfigureAwait(false);
        await _sqliteWriter.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await database.InTransactionAsync(work, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _sqliteWriter.Release();
        }
    }

    public void Dispose() => _sqliteWriter.Dispose();
}
