using System.Data.Common;
using System.Text.Json;
using Dapper;
using Tessera.Cards.Embedding;

namespace Tessera.Cards.Storage;

/// <summary>The SQL of embedding runs: one row per run, with its counts and the images it could not use.</summary>
internal static class EmbedRunRows
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static Task StartAsync(DbConnection c, Guid id, Guid orgId, string embedder, string modelHash, string size, int total, DateTimeOffset now, CancellationToken ct) =>
        c.ExecuteAsync(new CommandDefinition(
            "INSERT INTO cards_embed_runs (id, org_id, embedder, model_hash, size, state, total, embedded, skipped, failed, failures, seconds, started_at, finished_at) " +
            "VALUES (@id, @orgId, @embedder, @modelHash, @size, 'running', @total, 0, 0, 0, '[]', 0, @now, NULL)",
            new { id, orgId, embedder, modelHash, size, total, now }, cancellationToken: ct));

    public static Task FinishAsync(DbConnection c, Guid orgId, EmbedReport report, string state, DateTimeOffset now, CancellationToken ct) =>
        c.ExecuteAsync(new CommandDefinition(
            "UPDATE cards_embed_runs SET state = @state, embedded = @Embedded, skipped = @Skipped, failed = @Failed, failures = @failures, seconds = @Seconds, " +
            "finished_at = @now WHERE id = @RunId AND org_id = @orgId",
            new { state, report.Embedded, report.Skipped, report.Failed, failures = JsonSerializer.Serialize(report.Failures, Json), report.Seconds, now, report.RunId, orgId },
            cancellationToken: ct));

    /// <summary>The organization's latest completed run of a model: what a build manifest reports.</summary>
    public static async Task<EmbedRunRow?> LatestCompletedAsync(DbConnection c, Guid orgId, string embedder, string modelHash, CancellationToken ct) =>
        await c.QuerySingleOrDefaultAsync<EmbedRunRow>(new CommandDefinition(
            "SELECT id AS Id, size AS Size, total AS Total, embedded AS Embedded, skipped AS Skipped, failed AS Failed, failures AS Failures, seconds AS Seconds, " +
            "finished_at AS FinishedAt FROM cards_embed_runs WHERE org_id = @orgId AND embedder = @embedder AND model_hash = @modelHash AND state = 'completed' " +
            "ORDER BY started_at DESC LIMIT 1", new { orgId, embedder, modelHash }, cancellationToken: ct)).ConfigureAwait(false);

    public static IReadOnlyList<EmbedFailure> Failures(EmbedRunRow row) =>
        JsonSerializer.Deserialize<List<EmbedFailure>>(row?.Failures ?? "[]", Json) ?? [];

    internal sealed record EmbedRunRow
    {
        public Guid Id { get; init; }
        public string Size { get; init; } = "";
        public int Total { get; init; }
        public int Embedded { get; init; }
        public int Skipped { get; init; }
        public int Failed { get; init; }
        public string Failures { get; init; } = "[]";
        public double Seconds { get; init; }
        public DateTimeOffset? FinishedAt { get; init; }
    }
}
