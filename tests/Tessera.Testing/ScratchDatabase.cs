using Npgsql;
using Tessera.Data;

namespace Tessera.Testing;

/// <summary>
/// A fresh, empty database for one test: a SQLite file in a temporary data dir, or a new database on the
/// PostgreSQL server named by <c>TESSERA_TEST_POSTGRES</c> (test.sh starts a throwaway one). Dropped on dispose.
/// </summary>
public sealed class ScratchDatabase : IAsyncDisposable
{
    public const string PostgresVariable = "TESSERA_TEST_POSTGRES";

    private readonly string? _postgresName;

    private ScratchDatabase(string dialect, string dataDir, string target, string? postgresName)
    {
        Dialect = dialect;
        DataDir = dataDir;
        Target = target;
        _postgresName = postgresName;
        Database = new TesseraDatabase(DatabaseTarget.Parse(target, dataDir));
    }

    /// <summary>"sqlite" or "postgres".</summary>
    public string Dialect { get; }

    /// <summary>A temporary data dir that belongs to this test alone.</summary>
    public string DataDir { get; }

    /// <summary>The value to pass as <c>--database</c> / the <c>database</c> setting.</summary>
    public string Target { get; }

    public TesseraDatabase Database { get; }

    public static async Task<ScratchDatabase> CreateAsync(string dialect)
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "tessera-test-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(dataDir);
        switch (dialect)
        {
            case "sqlite":
                return new ScratchDatabase(dialect, dataDir, Path.Combine(dataDir, "tessera.db"), null);
            case "postgres":
                var server = PostgresServerUrl();
                var name = "tessera_test_" + Guid.NewGuid().ToString("N")[..16];
                await using (var admin = new NpgsqlConnection(DatabaseTarget.Parse(server, dataDir).ConnectionString))
                {
                    await admin.OpenAsync();
                    await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", admin);
                    await create.ExecuteNonQueryAsync();
                }
                var uri = new UriBuilder(server) { Path = "/" + name };
                return new ScratchDatabase(dialect, dataDir, uri.Uri.ToString(), name);
            default:
                throw new ArgumentException($"Unknown dialect '{dialect}'.", nameof(dialect));
        }
    }

    /// <summary>The admin URL of the test PostgreSQL server; a clear failure when it is not configured.</summary>
    public static string PostgresServerUrl() =>
        Environment.GetEnvironmentVariable(PostgresVariable) is { Length: > 0 } url
            ? url
            : throw new InvalidOperationException(
                $"{PostgresVariable} is not set. Run the tests with ./test.sh, which starts a throwaway PostgreSQL server, " +
                "or set it to an admin URL such as postgres://postgres@127.0.0.1:5432/postgres.");

    public async ValueTask DisposeAsync()
    {
        await Database.DisposeAsync();
        if (_postgresName is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await using var admin = new NpgsqlConnection(DatabaseTarget.Parse(PostgresServerUrl(), DataDir).ConnectionString);
            await admin.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_postgresName} WITH (FORCE)", admin);
            await drop.ExecuteNonQueryAsync();
        }
        try { Directory.Delete(DataDir, recursive: true); }
        catch (IOException) { }
    }
}
