using System.Data.Common;
using Dapper;
using Tessera.Cards.Catalog;

namespace Tessera.Cards.Storage;

/// <summary>The SQL of catalog imports: one row per import, with what it changed.</summary>
internal static class ImportRows
{
    private const string Columns =
        "id AS Id, source AS Source, state AS State, cards AS Cards, added AS Added, changed AS Changed, unchanged AS Unchanged, " +
        "removed AS Removed, invalid AS Invalid, error AS Error, started_at AS StartedAt, finished_at AS FinishedAt";

    public static Task StartAsync(DbConnection c, Guid id, Guid orgId, Guid userId, string source, DateTimeOffset now, CancellationToken ct) =>
        c.ExecuteAsync(new CommandDefinition(
            "INSERT INTO cards_imports (id, org_id, user_id, source, state, cards, added, changed, unchanged, removed, invalid, error, started_at, finished_at) " +
            "VALUES (@id, @orgId, @userId, @source, 'running', 0, 0, 0, 0, 0, 0, NULL, @now, NULL)",
            new { id, orgId, userId, source, now }, cancellationToken: ct));

    public static Task FinishAsync(DbConnection c, DbTransaction? t, Guid orgId, ImportReport r, CancellationToken ct) =>
        c.ExecuteAsync(new CommandDefinition(
            "UPDATE cards_imports SET state = @State, cards = @Cards, added = @Added, changed = @Changed, unchanged = @Unchanged, removed = @Removed, " +
            "invalid = @Invalid, error = @Error, finished_at = @FinishedAt WHERE id = @Id AND org_id = @orgId",
            new { r.State, r.Cards, r.Added, r.Changed, r.Unchanged, r.Removed, r.Invalid, r.Error, r.FinishedAt, r.Id, orgId }, t, cancellationToken: ct));

    /// <summary>The organization's imports, newest first.</summary>
    public static async Task<IReadOnlyList<ImportReport>> RecentAsync(DbConnection c, Guid orgId, int limit, CancellationToken ct) =>
        (await c.QueryAsync<ImportReport>(new CommandDefinition(
            $"SELECT {Columns} FROM cards_imports WHERE org_id = @orgId ORDER BY started_at DESC, id DESC LIMIT @limit",
            new { orgId, limit }, cancellationToken: ct)).ConfigureAwait(false)).ToList();
}
