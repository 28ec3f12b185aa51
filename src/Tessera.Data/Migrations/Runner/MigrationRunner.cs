using System.Data.Common;
using Dapper;
using Microsoft.Extensions.Logging;
using Tessera.Core.Errors;

namespace Tessera.Data.Migrations;

/// <summary>
/// Applies each module's versioned scripts in order, each in its own transaction, recording its checksum in
/// <c>schema_migrations</c>. Refuses to run if an applied script has changed. On PostgreSQL a session-level
/// advisory lock keeps two processes starting at once from applying a script twice; on SQLite the write lock
/// taken by BEGIN IMMEDIATE does the same, and each script re-checks its row under that lock.
/// </summary>
public sealed partial class MigrationRunner(TesseraDatabase database, IEnumerable<MigrationSet> sets, TimeProvider time, ILogger<MigrationRunner> logger)
{
    public const string ChecksumMismatchCode = "MIGRATION_CHECKSUM_MISMATCH";

    // An arbitrary constant shared by every Tessera process: the key of the migration advisory lock.
    private const long AdvisoryLockKey = 0x7E55E7A_0001;

    private readonly IReadOnlyList<MigrationSet> _sets = sets.ToList();

    public async Task<MigrationReport> GetStatusAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await EnsureHistoryTableAsync(connection, cancellationToken).ConfigureAwait(false);
        var applied = await ReadHistoryAsync(connection, null, cancellationToken).ConfigureAwait(false);
        return BuildReport(applied);
    }

    /// <summary>Applies every pending script and returns how many were applied.</summary>
    public async Task<int> MigrateAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        if (database.Dialect == SqlDialect.Postgres)
        {
            await connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_lock(@key)", new { key = AdvisoryLockKey }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        }
        try
        {
            await EnsureHistoryTableAsync(connection, cancellationToken).ConfigureAwait(false);
            var report = BuildReport(await ReadHistoryAsync(connection, null, cancellationToken).ConfigureAwait(false));
            ThrowIfModified(report);

            var applied = 0;
            foreach (var set in _sets)
            {
                foreach (var script in set.For(database.Dialect))
                {
                    if (await ApplyAsync(connection, set.Module, script, cancellationToken).ConfigureAwait(false)) applied++;
                }
            }
            return applied;
        }
        finally
        {
            if (database.Dialect == SqlDialect.Postgres)
            {
                await connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_unlock(@key)", new { key = AdvisoryLockKey }, cancellationToken: CancellationToken.None)).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Throws unless every known script is applied unchanged: the check a server runs before serving.</summary>
    public async Task EnsureCurrentAsync(CancellationToken cancellationToken = default)
    {
        var report = await GetStatusAsync(cancellationToken).ConfigureAwait(false);
        ThrowIfModified(report);
        var pending = report.Pending.ToList();
        if (pending.Count > 0)
        {
            throw new TesseraException(ErrorCodes.NotReady, 503,
                $"{pending.Count} migration(s) are not applied to {database.Target.Display} (first: {pending[0].Module} {pending[0].Version:0000}_{pending[0].Name}). Run 'tessera db migrate'.");
        }
    }

    private async Task<bool> ApplyAsync(DbConnection connection, string module, MigrationScript script, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var existing = await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition(
            "SELECT checksum FROM schema_migrations WHERE module = @module AND version = @version",
            new { module, version = script.Version }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        if (existing is not null)
        {
            if (existing != script.Checksum) throw Modified(module, script.Version, script.Name);
            return false;
        }

        LogApplying(module, script.Version, script.Name);
        await connection.ExecuteAsync(new CommandDefinition(script.Sql, transaction: transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO schema_migrations (module, version, name, checksum, applied_at) VALUES (@module, @version, @name, @checksum, @appliedAt)",
            new { module, version = script.Version, name = script.Name, checksum = script.Checksum, appliedAt = time.GetUtcNow() },
            transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    private async Task EnsureHistoryTableAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        var timestamp = database.Dialect == SqlDialect.Postgres ? "timestamptz" : "TEXT";
        await connection.ExecuteAsync(new CommandDefinition($"""
            CREATE TABLE IF NOT EXISTS schema_migrations (
                module     TEXT NOT NULL,
                version    INTEGER NOT NULL,
                name       TEXT NOT NULL,
                checksum   TEXT NOT NULL,
                applied_at {timestamp} NOT NULL,
                PRIMARY KEY (module, version)
            )
            """, cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    private static async Task<List<AppliedRow>> ReadHistoryAsync(DbConnection connection, DbTransaction? transaction, CancellationToken cancellationToken) =>
        (await connection.QueryAsync<AppliedRow>(new CommandDefinition(
            "SELECT module AS Module, version AS Version, name AS Name, checksum AS Checksum, applied_at AS AppliedAt FROM schema_migrations",
            transaction: transaction, cancellationToken: cancellationToken)).ConfigureAwait(false)).ToList();

    private MigrationReport BuildReport(List<AppliedRow> applied)
    {
        var byKey = applied.ToDictionary(a => (a.Module, a.Version));
        var statuses = new List<MigrationStatus>();
        foreach (var set in _sets)
        {
            foreach (var script in set.For(database.Dialect))
            {
                if (byKey.Remove((set.Module, script.Version), out var row))
                {
                    var state = row.Checksum == script.Checksum ? MigrationState.Applied : MigrationState.Modified;
                    statuses.Add(new MigrationStatus(set.Module, script.Version, script.Name, state, row.AppliedAt));
                }
                else
                {
                    statuses.Add(new MigrationStatus(set.Module, script.Version, script.Name, MigrationState.Pending, null));
                }
            }
        }
        statuses.AddRange(byKey.Values.Select(r => new MigrationStatus(r.Module, r.Version, r.Name, MigrationState.Unknown, r.AppliedAt)));
        return new MigrationReport(statuses);
    }

    private void ThrowIfModified(MigrationReport report)
    {
        var modified = report.Modified.FirstOrDefault();
        if (modified is not null) throw Modified(modified.Module, modified.Version, modified.Name);
    }

    private TesseraException Modified(string module, int version, string name) =>
        new(ChecksumMismatchCode, 500,
            $"Migration {module} {version:0000}_{name} was changed after it was applied to {database.Target.Display}. " +
            "Applied migrations must never be edited: restore the original script and add a new migration for the change.");

    private sealed class AppliedRow
    {
        public string Module { get; init; } = "";
        public int Version { get; init; }
        public string Name { get; init; } = "";
        public string Checksum { get; init; } = "";
        public DateTimeOffset AppliedAt { get; init; }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Applying migration {Module} {Version:0000}_{Name}")]
    private partial void LogApplying(string module, int version, string name);
}
