using System.Data.Common;
using Dapper;
using Tessera.Traces.Sources;

namespace Tessera.Traces.Storage;

/// <summary>The SQL of traces sources. Reads for a caller filter by organization in SQL.</summary>
internal static class TraceSourceRows
{
    private const string Columns =
        "id AS Id, org_id AS OrgId, user_id AS UserId, name AS Name, path AS Path, glob AS Glob, format AS Format, embedder AS Embedder, " +
        "poll_seconds AS PollSeconds, debounce_ms AS DebounceMs, watch_events AS WatchEvents, enabled AS Enabled, created_at AS CreatedAt, updated_at AS UpdatedAt";

    public static Task InsertAsync(DbConnection c, DbTransaction t, TraceSource s, CancellationToken ct) =>
        c.ExecuteAsync(new CommandDefinition(
            "INSERT INTO traces_sources (id, org_id, user_id, name, path, glob, format, embedder, poll_seconds, debounce_ms, watch_events, enabled, created_at, updated_at) " +
            "VALUES (@Id, @OrgId, @UserId, @Name, @Path, @Glob, @Format, @Embedder, @PollSeconds, @DebounceMs, @WatchEvents, @Enabled, @CreatedAt, @UpdatedAt)",
            s, t, cancellationToken: ct));

    public static Task<int> UpdateAsync(DbConnection c, DbTransaction t, TraceSource s, CancellationToken ct) =>
        c.ExecuteAsync(new CommandDefinition(
            "UPDATE traces_sources SET name = @Name, path = @Path, glob = @Glob, format = @Format, embedder = @Embedder, poll_seconds = @PollSeconds, " +
            "debounce_ms = @DebounceMs, watch_events = @WatchEvents, enabled = @Enabled, updated_at = @UpdatedAt WHERE id = @Id AND org_id = @OrgId",
            s, t, cancellationToken: ct));

    /// <summary>Deletes an organization's source; its files, records, embeddings and points go with it (ON DELETE CASCADE).</summary>
    public static Task<int> DeleteAsync(DbConnection c, DbTransaction t, Guid orgId, Guid id, CancellationToken ct) =>
        c.ExecuteAsync(new CommandDefinition("DELETE FROM traces_sources WHERE id = @id AND org_id = @orgId", new { id, orgId }, t, cancellationToken: ct));

    public static Task<bool> NameTakenAsync(DbConnection c, DbTransaction t, Guid orgId, string name, Guid exceptId, CancellationToken ct) =>
        c.ExecuteScalarAsync<bool>(new CommandDefinition(
            "SELECT COUNT(*) > 0 FROM traces_sources WHERE org_id = @orgId AND name = @name AND id <> @exceptId", new { orgId, name, exceptId }, t, cancellationToken: ct));

    /// <summary>The organization's source, or null for a missing one and for another organization's alike.</summary>
    public static Task<TraceSource?> FindAsync(DbConnection c, Guid orgId, Guid id, CancellationToken ct) =>
        c.QuerySingleOrDefaultAsync<TraceSource>(new CommandDefinition(
            $"SELECT {Columns} FROM traces_sources WHERE id = @id AND org_id = @orgId", new { id, orgId }, cancellationToken: ct));

    public static Task<TraceSource?> FindByNameAsync(DbConnection c, DbTransaction? t, Guid orgId, string name, CancellationToken ct) =>
        c.QuerySingleOrDefaultAsync<TraceSource>(new CommandDefinition(
            $"SELECT {Columns} FROM traces_sources WHERE name = @name AND org_id = @orgId", new { name, orgId }, t, cancellationToken: ct));

    public static async Task<IReadOnlyList<TraceSource>> ListAsync(DbConnection c, Guid orgId, CancellationToken ct) =>
        (await c.QueryAsync<TraceSource>(new CommandDefinition(
            $"SELECT {Columns} FROM traces_sources WHERE org_id = @orgId ORDER BY name", new { orgId }, cancellationToken: ct)).ConfigureAwait(false)).ToList();

    /// <summary>Every enabled source of every organization, for the watcher.</summary>
    public static async Task<IReadOnlyList<TraceSource>> ListEnabledAsync(DbConnection c, CancellationToken ct) =>
        (await c.QueryAsync<TraceSource>(new CommandDefinition(
            $"SELECT {Columns} FROM traces_sources WHERE enabled = @yes ORDER BY created_at", new { yes = true }, cancellationToken: ct)).ConfigureAwait(false)).ToList();
}
