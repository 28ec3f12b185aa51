using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Tessera.Core.Errors;
using Tessera.Data.Migrations;
using Tessera.Testing;

namespace Tessera.Data.Tests;

public class MigrationRunnerTests
{
    private static MigrationSet Widgets(string secondScript = "INSERT INTO widget_log (note) VALUES ('second');") => new(
        "widgets",
        sqlite:
        [
            new MigrationScript(1, "create_widgets", "CREATE TABLE widgets (id INTEGER PRIMARY KEY, name TEXT NOT NULL); CREATE TABLE widget_log (note TEXT NOT NULL);"),
            new MigrationScript(2, "log_second", secondScript),
            new MigrationScript(3, "log_third", "INSERT INTO widget_log (note) VALUES ('third');"),
        ],
        postgres:
        [
            new MigrationScript(1, "create_widgets", "CREATE TABLE widgets (id serial PRIMARY KEY, name text NOT NULL); CREATE TABLE widget_log (note text NOT NULL);"),
            new MigrationScript(2, "log_second", secondScript),
            new MigrationScript(3, "log_third", "INSERT INTO widget_log (note) VALUES ('third');"),
        ]);

    /// <summary>The data module's scripts plus the three widget scripts.</summary>
    private static int AllScripts(string dialect) =>
        DataModule.Migrations.For(dialect == "sqlite" ? SqlDialect.Sqlite : SqlDialect.Postgres).Count + 3;

    private static MigrationRunner Runner(TesseraDatabase database, params MigrationSet[] sets) =>
        new(database, sets, TimeProvider.System, NullLogger<MigrationRunner>.Instance);

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task Applied_at_is_read_from_the_injected_clock(string dialect)
    {
        await using var scratch = await ScratchDatabase.CreateAsync(dialect);
        var clock = new ManualTimeProvider();
        var runner = new MigrationRunner(scratch.Database, [DataModule.Migrations, Widgets()], clock, NullLogger<MigrationRunner>.Instance);

        await runner.MigrateAsync();

        var report = await runner.GetStatusAsync();
        Assert.All(report.Migrations, m => Assert.Equal<DateTimeOffset?>(clock.GetUtcNow(), m.AppliedAt));
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task Migrate_applies_every_script_once_and_a_second_run_is_a_no_op(string dialect)
    {
        await using var scratch = await ScratchDatabase.CreateAsync(dialect);
        var runner = Runner(scratch.Database, DataModule.Migrations, Widgets());

        Assert.Equal(AllScripts(dialect), await runner.MigrateAsync());
        Assert.Equal(0, await runner.MigrateAsync());

        var report = await runner.GetStatusAsync();
        Assert.True(report.IsCurrent);
        Assert.All(report.Migrations, m => Assert.Equal(MigrationState.Applied, m.State));
        await using var connection = await scratch.Database.OpenConnectionAsync();
        Assert.Equal(2, await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM widget_log"));
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task Status_lists_pending_scripts_before_they_run(string dialect)
    {
        await using var scratch = await ScratchDatabase.CreateAsync(dialect);
        var report = await Runner(scratch.Database, Widgets()).GetStatusAsync();
        Assert.False(report.IsCurrent);
        Assert.Equal([1, 2, 3], report.Pending.Select(m => m.Version));
        var error = await Assert.ThrowsAsync<TesseraException>(() => Runner(scratch.Database, Widgets()).EnsureCurrentAsync());
        Assert.Contains("tessera db migrate", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task A_changed_applied_script_is_detected_and_refused(string dialect)
    {
        await using var scratch = await ScratchDatabase.CreateAsync(dialect);
        await Runner(scratch.Database, Widgets()).MigrateAsync();

        var tampered = Runner(scratch.Database, Widgets("INSERT INTO widget_log (note) VALUES ('edited');"));
        var report = await tampered.GetStatusAsync();
        Assert.Equal(MigrationState.Modified, Assert.Single(report.Modified).State);

        var error = await Assert.ThrowsAsync<TesseraException>(() => tampered.MigrateAsync());
        Assert.Equal(MigrationRunner.ChecksumMismatchCode, error.Code);
        Assert.Contains("widgets 0002_log_second", error.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<TesseraException>(() => tampered.EnsureCurrentAsync());
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task A_failing_script_rolls_back_and_is_not_recorded(string dialect)
    {
        await using var scratch = await ScratchDatabase.CreateAsync(dialect);
        var broken = Runner(scratch.Database, Widgets("INSERT INTO widget_log (note) VALUES ('half'); INSERT INTO no_such_table VALUES (1);"));
        await Assert.ThrowsAnyAsync<Exception>(() => broken.MigrateAsync());

        var report = await broken.GetStatusAsync();
        Assert.Equal([2, 3], report.Pending.Select(m => m.Version));
        await using var connection = await scratch.Database.OpenConnectionAsync();
        Assert.Equal(0, await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM widget_log"));
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task Concurrent_starts_never_apply_a_script_twice(string dialect)
    {
        await using var scratch = await ScratchDatabase.CreateAsync(dialect);
        // Each "process" has its own database object and connections, as separate processes would.
        var databases = Enumerable.Range(0, 6).Select(_ => new TesseraDatabase(scratch.Database.Target)).ToList();
        try
        {
            var applied = await Task.WhenAll(databases.Select(db => Task.Run(() => Runner(db, DataModule.Migrations, Widgets()).MigrateAsync())));
            Assert.Equal(AllScripts(dialect), applied.Sum());
        }
        finally
        {
            foreach (var db in databases) await db.DisposeAsync();
        }
        await using var connection = await scratch.Database.OpenConnectionAsync();
        Assert.Equal(2, await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM widget_log"));
        Assert.Equal(AllScripts(dialect), await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM schema_migrations"));
    }

    [Fact]
    public void Embedded_scripts_are_found_for_both_dialects_with_matching_versions()
    {
        var set = DataModule.Migrations;
        Assert.NotEmpty(set.Sqlite);
        Assert.Equal(set.Sqlite.Select(s => (s.Version, s.Name)), set.Postgres.Select(s => (s.Version, s.Name)));
    }

    [Fact]
    public void Script_file_names_must_carry_a_version()
    {
        Assert.Equal(12, MigrationScript.FromFile("0012_add_things.sql", "").Version);
        Assert.Throws<InvalidOperationException>(() => MigrationScript.FromFile("add_things.sql", ""));
    }

    [Fact]
    public void A_migration_written_for_one_dialect_only_is_refused()
    {
        MigrationScript[] both = [MigrationScript.FromFile("0001_start.sql", "SELECT 1;")];
        MigrationScript[] sqliteAhead = [.. both, MigrationScript.FromFile("0002_add_column.sql", "SELECT 1;")];
        MigrationScript[] renamed = [MigrationScript.FromFile("0001_begin.sql", "SELECT 1;")];

        var missing = Assert.Throws<InvalidOperationException>(() => new MigrationSet("widgets", sqliteAhead, both));
        Assert.Contains("0002_add_column.sql has no PostgreSQL script", missing.Message, StringComparison.Ordinal);
        var mismatched = Assert.Throws<InvalidOperationException>(() => new MigrationSet("widgets", both, renamed));
        Assert.Contains("0001_begin.sql has no SQLite script", mismatched.Message, StringComparison.Ordinal);
        Assert.Single(new MigrationSet("widgets", both, both).Postgres);
    }
}
