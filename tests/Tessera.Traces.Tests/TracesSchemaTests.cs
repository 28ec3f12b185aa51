using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Tessera.Data;
using Tessera.Data.Migrations;
using Tessera.Testing;

namespace Tessera.Traces.Tests;

public class TracesSchemaTests
{
    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task The_schema_migrates_and_a_record_id_is_unique_within_an_organization(string dialect)
    {
        await using var scratch = await ScratchDatabase.CreateAsync(dialect);
        await new MigrationRunner(scratch.Database, [DataModule.Migrations, TracesModule.Schema], TimeProvider.System, NullLogger<MigrationRunner>.Instance).MigrateAsync();
        var org = Guid.CreateVersion7();
        var source = Guid.CreateVersion7();
        var now = DateTimeOffset.UtcNow;

        await using var connection = await scratch.Database.OpenConnectionAsync();
        await connection.ExecuteAsync(
            """
            INSERT INTO traces_sources (id, org_id, user_id, name, path, glob, format, embedder, poll_seconds, debounce_ms, watch_events, enabled, created_at, updated_at)
            VALUES (@source, @org, @org, 'runs', '/logs', '*.jsonl', 'seed', NULL, 30, 500, @yes, @yes, @now, @now)
            """,
            new { source, org, yes = true, now });
        const string insertRecord =
            """
            INSERT INTO traces_records (id, org_id, source_id, file_path, line, iteration, idx_in_iteration, type, text, timestamp, created_at)
            VALUES ('abc', @org, @source, 'run.jsonl', 1, 0, 0, 'thought', 'hello', NULL, @now)
            """;
        await connection.ExecuteAsync(insertRecord, new { source, org, now });

        await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() => connection.ExecuteAsync(insertRecord, new { source, org, now }));
    }
}
