using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Tessera.Data;
using Tessera.Data.Migrations;
using Tessera.Traces.Projection;

namespace Tessera.Traces.Tests;

/// <summary>Records and their embeddings inserted with SQL, standing in for ingestion (built in parallel) in tests of the map and the files.</summary>
internal sealed class TracesSeed(TesseraDatabase database, Guid orgId, Guid sourceId)
{
    public static readonly DateTimeOffset Now = new(2026, 12, 5, 12, 0, 0, TimeSpan.Zero);

    public static async Task<TracesSeed> CreateAsync(TesseraDatabase database)
    {
        await new MigrationRunner(database, [DataModule.Migrations, TracesModule.Schema], TimeProvider.System, NullLogger<MigrationRunner>.Instance).MigrateAsync();
        var seed = new TracesSeed(database, Guid.CreateVersion7(), Guid.CreateVersion7());
        await using var connection = await database.OpenConnectionAsync();
        await connection.ExecuteAsync(
            """
            INSERT INTO traces_sources (id, org_id, user_id, name, path, glob, format, embedder, poll_seconds, debounce_ms, watch_events, enabled, created_at, updated_at)
            VALUES (@source, @org, @org, 'runs', '/logs', '*.jsonl', 'seed', NULL, 30, 500, @yes, @yes, @now, @now)
            """,
            new { source = seed.SourceId, org = seed.OrgId, yes = true, now = Now });
        return seed;
    }

    public Guid OrgId { get; } = orgId;

    public Guid SourceId { get; } = sourceId;

    /// <summary>Stores rows <paramref name="first"/>… of <paramref name="vectors"/> as records of run.jsonl (iteration = row / 10, idx = row % 10).</summary>
    public async Task AddAsync(VectorRows vectors, int first, int count, string embedder = "test-model", string modelHash = "hash1")
    {
        await database.InTransactionAsync(async (c, t) =>
        {
            for (var row = first; row < first + count; row++)
            {
                var seq = await c.ExecuteScalarAsync<long>(
                    """
                    INSERT INTO traces_records (id, org_id, source_id, file_path, line, iteration, idx_in_iteration, type, text, timestamp, created_at)
                    VALUES (@id, @org, @source, 'run.jsonl', @line, @iteration, @idx, 'thought', @text, @timestamp, @now) RETURNING seq
                    """,
                    new { id = $"rec{row:D6}", org = OrgId, source = SourceId, line = row + 1, iteration = row / 10, idx = row % 10, text = $"entry {row} ünïcode", timestamp = (DateTimeOffset?)(row % 3 == 0 ? null : Now.AddSeconds(row)), now = Now }, t);
                var vector = vectors.Row(row).ToArray().SelectMany(BitConverter.GetBytes).ToArray();
                await c.ExecuteAsync(
                    """
                    INSERT INTO traces_embeddings (record_seq, org_id, embedder, model_hash, dimension, vector, created_at)
                    VALUES (@seq, @org, @embedder, @modelHash, @dimension, @vector, @now)
                    """,
                    new { seq, org = OrgId, embedder, modelHash, dimension = vectors.Dimension, vector, now = Now }, t);
            }
        });
    }

    public async Task<Dictionary<string, (double X, double Y)>> PointsAsync()
    {
        await using var c = await database.OpenConnectionAsync();
        var rows = await c.QueryAsync<(string Id, double X, double Y)>(
            "SELECT r.id, p.x, p.y FROM traces_points p JOIN traces_records r ON r.seq = p.record_seq WHERE p.org_id = @org", new { org = OrgId });
        return rows.ToDictionary(r => r.Id, r => (r.X, r.Y));
    }
}
