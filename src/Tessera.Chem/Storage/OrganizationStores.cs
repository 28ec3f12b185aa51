using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Dapper;
using Microsoft.Extensions.Logging;
using Npgsql;
using Tessera.Data;
using Tessera.Data.Migrations;

namespace Tessera.Chem.Storage;

/// <summary>
/// Each organization's own Chem store, kept apart from every other organization's: on PostgreSQL a schema
/// <c>chem_org_&lt;id&gt;</c> in the deployment's database, reached through connections whose search_path is that
/// schema alone; on SQLite a database file per organization in a folder beside the main file
/// (<c>tessera.chem-orgs/&lt;id&gt;.db</c>). A store is made and migrated (its own <c>schema_migrations</c>) the first
/// time a process uses it; the same SQL then runs on either.
/// </summary>
internal sealed class OrganizationStores(TesseraDatabase database, TimeProvider time, ILogger<MigrationRunner> migrationLogger) : IAsyncDisposable
{
    /// <summary>The tables every organization's store holds.</summary>
    public static MigrationSet Schema { get; } = MigrationSet.FromAssembly("chem-org", typeof(OrganizationStores).Assembly, "organization-store");

    // A store's pool stays small: results are written once and read by id, and a deployment may hold many organizations.
    private const int PoolSizePerOrganization = 8;

    private readonly ConcurrentDictionary<Guid, Lazy<Task<TesseraDatabase>>> _stores = new();

    /// <summary>The PostgreSQL schema of an organization's store.</summary>
    public static string SchemaName(Guid orgId) => "chem_org_" + orgId.ToString("N");

    /// <summary>The SQLite file of an organization's store, beside the main database file <paramref name="mainFile"/>.</summary>
    public static string FileName(string mainFile, Guid orgId) =>
        Path.Combine(Path.GetDirectoryName(mainFile)!, Path.GetFileNameWithoutExtension(mainFile) + ".chem-orgs", orgId.ToString("N") + ".db");

    /// <summary>The organization's store, made and migrated on first use; connections opened from it see only it.</summary>
    public async Task<TesseraDatabase> ForAsync(Guid orgId, CancellationToken cancellationToken)
    {
        var store = _stores.GetOrAdd(orgId, id => new Lazy<Task<TesseraDatabase>>(() => OpenAsync(id)));
        try
        {
            return await store.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception) when (store.Value.IsFaulted)
        {
            // A store that could not be opened (the database was down) is tried again by the next caller.
            _stores.TryRemove(KeyValuePair.Create(orgId, store));
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var store in _stores.Values)
            if (store.IsValueCreated && store.Value.IsCompletedSuccessfully) await store.Value.Result.DisposeAsync().ConfigureAwait(false);
        _stores.Clear();
    }

    // Not cancelled by the first caller's token: other callers may be waiting on the same store.
    private async Task<TesseraDatabase> OpenAsync(Guid orgId)
    {
        var target = database.Dialect == SqlDialect.Postgres ? await PostgresSchemaAsync(orgId).ConfigureAwait(false) : SqliteFile(orgId);
        var store = new TesseraDatabase(target);
        try
        {
            await new MigrationRunner(store, [Schema], time, migrationLogger).MigrateAsync(CancellationToken.None).ConfigureAwait(false);
            return store;
        }
        catch
        {
            await store.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private DatabaseTarget SqliteFile(Guid orgId)
    {
        var file = FileName(database.Target.ConnectionString, orgId);
        return new DatabaseTarget(SqlDialect.Sqlite, file, "sqlite:" + file);
    }

    private async Task<DatabaseTarget> PostgresSchemaAsync(Guid orgId)
    {
        var schema = SchemaName(orgId);
        // Two processes creating the same schema at once would collide on pg_namespace even with IF NOT EXISTS.
        var key = BinaryPrimitives.ReadInt64BigEndian(SHA256.HashData(Encoding.UTF8.GetBytes("chem.org-store:" + schema)));
        await database.InTransactionAsync(async (c, t) =>
        {
            await c.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_xact_lock(@key)", new { key }, t)).ConfigureAwait(false);
            await c.ExecuteAsync(new CommandDefinition($"CREATE SCHEMA IF NOT EXISTS {schema}", transaction: t)).ConfigureAwait(false);
        }).ConfigureAwait(false);
        var builder = new NpgsqlConnectionStringBuilder(database.Target.ConnectionString)
        {
            SearchPath = schema,
            MaxPoolSize = PoolSizePerOrganization,
            ConnectionIdleLifetime = 60,
        };
        return new DatabaseTarget(SqlDialect.Postgres, builder.ConnectionString, database.Target.Display + "#" + schema);
    }
}
