using System.Data;
using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;
using Tessera.Core;
using Tessera.Core.Errors;

namespace Tessera.Data;

/// <summary>
/// The one way to reach the database. Each unit of work opens its own connection (pooled on PostgreSQL),
/// so no connection is ever shared across threads.
/// </summary>
public sealed class TesseraDatabase : IAsyncDisposable
{
    /// <summary>How long a SQLite writer waits for another before failing with SQLITE_BUSY.</summary>
    internal const int SqliteBusyTimeoutMs = 30_000;

    private readonly NpgsqlDataSource? _postgres;
    private readonly string? _sqliteConnectionString;

    static TesseraDatabase()
    {
        DapperTypeHandlers.Register();
    }

    public TesseraDatabase(DatabaseTarget target)
    {
        ArgumentNullException.ThrowIfNull(target);
        Target = target;
        if (target.Dialect == SqlDialect.Postgres)
        {
            var builder = new NpgsqlDataSourceBuilder(target.ConnectionString);
            _postgres = builder.Build();
        }
        else
        {
            var directory = Path.GetDirectoryName(target.ConnectionString);
            if (!string.IsNullOrEmpty(directory)) PrivateFiles.CreateDirectory(directory);
            // SQLite gives the -wal and -shm files the database file's mode: create it 0600 before SQLite does.
            PrivateFiles.EnsureFile(target.ConnectionString);
            _sqliteConnectionString = new SqliteConnectionStringBuilder
            {
                DataSource = target.ConnectionString,
                Mode = SqliteOpenMode.ReadWriteCreate,
                Cache = SqliteCacheMode.Private,
                Pooling = true,
            }.ToString();
            EnableWriteAheadLog();
        }
    }

    public DatabaseTarget Target { get; }
    public SqlDialect Dialect => Target.Dialect;

    /// <summary>Opens a new connection for one unit of work; the caller disposes it.</summary>
    public async ValueTask<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            if (_postgres is not null)
                return await _postgres.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

            var connection = new SqliteConnection(_sqliteConnectionString);
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var pragma = connection.CreateCommand();
            // Per-connection settings: foreign keys are off by default in SQLite; the busy timeout makes a writer wait
            // for another (SQLite retries after 1, 2, 5, 10… ms) instead of failing at once.
            pragma.CommandText = $"PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = {SqliteBusyTimeoutMs};";
            await pragma.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch (Exception e) when (e is NpgsqlException or SqliteException or System.Net.Sockets.SocketException)
        {
            throw new TesseraException(ErrorCodes.NotReady, 503, $"Cannot open the database {Target.Display}: {e.Message}", e);
        }
    }

    /// <summary>Runs <paramref name="work"/> in one transaction on its own connection and commits it.</summary>
    public async Task<T> InTransactionAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(work);
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        // SQLite: BeginTransaction is BEGIN IMMEDIATE, taking the write lock up front so two writers never deadlock on upgrade.
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken).ConfigureAwait(false);
        var result = await work(connection, transaction).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return result;
    }

    public Task InTransactionAsync(Func<DbConnection, DbTransaction, Task> work, CancellationToken cancellationToken = default) =>
        InTransactionAsync<bool>(async (c, t) =>
        {
            await work(c, t).ConfigureAwait(false);
            return true;
        }, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (_postgres is not null) await _postgres.DisposeAsync().ConfigureAwait(false);
    }

    private void EnableWriteAheadLog()
    {
        // journal_mode is persistent in the file; WAL lets readers run while one writer commits.
        using var connection = new SqliteConnection(_sqliteConnectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"PRAGMA busy_timeout = {SqliteBusyTimeoutMs}; PRAGMA journal_mode = WAL;";
        command.ExecuteNonQuery();
    }
}
