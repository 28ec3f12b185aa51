using System.Data.Common;
using Dapper;
using Tessera.Chem.Services;

namespace Tessera.Chem.Storage;

/// <summary>The SQL of task services. Every read and write a caller makes filters by organization in SQL.</summary>
internal static class ServiceRows
{
    private const string Columns =
        "s.id AS Id, s.org_id AS OrgId, s.registered_by AS RegisteredBy, s.url AS Url, s.server_url AS ServerUrl, s.tool_versions AS ToolVersions, " +
        "s.registered_at AS RegisteredAt, s.heartbeat_at AS HeartbeatAt, s.last_used_at AS LastUsedAt";

    public static async Task InsertAsync(DbConnection c, DbTransaction t, TaskService s, CancellationToken ct)
    {
        await c.ExecuteAsync(new CommandDefinition(
            "INSERT INTO chem_services (id, org_id, registered_by, url, server_url, tool_versions, registered_at, heartbeat_at, last_used_at) " +
            "VALUES (@Id, @OrgId, @RegisteredBy, @Url, @ServerUrl, @ToolVersions, @RegisteredAt, @HeartbeatAt, @LastUsedAt)", s, t, cancellationToken: ct)).ConfigureAwait(false);
        foreach (var task in s.Tasks)
            await c.ExecuteAsync(new CommandDefinition(
                "INSERT INTO chem_service_tasks (service_id, task_name, task_version) VALUES (@id, @name, @version)",
                new { id = s.Id, name = task.Name, version = task.Version }, t, cancellationToken: ct)).ConfigureAwait(false);
    }

    /// <summary>Deletes the organization's service (its tasks first); false when there was none.</summary>
    public static async Task<bool> DeleteAsync(DbConnection c, DbTransaction t, Guid orgId, Guid id, CancellationToken ct)
    {
        await c.ExecuteAsync(new CommandDefinition(
            "DELETE FROM chem_service_tasks WHERE service_id IN (SELECT id FROM chem_services WHERE id = @id AND org_id = @orgId)",
            new { id, orgId }, t, cancellationToken: ct)).ConfigureAwait(false);
        return await c.ExecuteAsync(new CommandDefinition(
            "DELETE FROM chem_services WHERE id = @id AND org_id = @orgId", new { id, orgId }, t, cancellationToken: ct)).ConfigureAwait(false) == 1;
    }

    public static Task<Guid?> FindIdByUrlAsync(DbConnection c, DbTransaction t, Guid orgId, string url, CancellationToken ct) =>
        c.QuerySingleOrDefaultAsync<Guid?>(new CommandDefinition(
            "SELECT id FROM chem_services WHERE org_id = @orgId AND url = @url", new { orgId, url }, t, cancellationToken: ct));

    /// <summary>Records a heartbeat of the organization's live service; false when it is missing (dropped, or another's).</summary>
    public static async Task<bool> HeartbeatAsync(DbConnection c, Guid orgId, Guid id, DateTimeOffset now, DateTimeOffset liveSince, CancellationToken ct) =>
        await c.ExecuteAsync(new CommandDefinition(
            "UPDATE chem_services SET heartbeat_at = @now WHERE id = @id AND org_id = @orgId AND heartbeat_at >= @liveSince",
            new { id, orgId, now, liveSince }, cancellationToken: ct)).ConfigureAwait(false) == 1;

    /// <summary>The organization's live services with their tasks, oldest registration first.</summary>
    public static async Task<List<TaskService>> ListLiveAsync(DbConnection c, Guid? orgId, DateTimeOffset liveSince, CancellationToken ct)
    {
        var services = (await c.QueryAsync<TaskService>(new CommandDefinition(
            $"SELECT {Columns} FROM chem_services s WHERE (@orgId IS NULL OR s.org_id = @orgId) AND s.heartbeat_at >= @liveSince ORDER BY s.registered_at, s.id",
            new { orgId, liveSince }, cancellationToken: ct)).ConfigureAwait(false)).ToList();
        if (services.Count == 0) return services;
        var tasks = await c.QueryAsync<(Guid ServiceId, string Name, int Version)>(new CommandDefinition(
            "SELECT t.service_id, t.task_name, t.task_version FROM chem_service_tasks t JOIN chem_services s ON s.id = t.service_id " +
            "WHERE (@orgId IS NULL OR s.org_id = @orgId) AND s.heartbeat_at >= @liveSince ORDER BY t.task_name, t.task_version",
            new { orgId, liveSince }, cancellationToken: ct)).ConfigureAwait(false);
        var byService = tasks.ToLookup(t => t.ServiceId, t => new ServedTask(t.Name, t.Version));
        return [.. services.Select(s => s with { Tasks = [.. byService[s.Id]] })];
    }

    /// <summary>The organization's live instances of a task version, least recently used first.</summary>
    public static async Task<List<TaskService>> CandidatesAsync(
        DbConnection c, DbTransaction? t, Guid orgId, string task, int version, DateTimeOffset liveSince, CancellationToken ct) =>
        (await c.QueryAsync<TaskService>(new CommandDefinition(
            $"SELECT {Columns} FROM chem_services s JOIN chem_service_tasks st ON st.service_id = s.id " +
            "WHERE s.org_id = @orgId AND st.task_name = @task AND st.task_version = @version AND s.heartbeat_at >= @liveSince " +
            "ORDER BY s.last_used_at, s.id",
            new { orgId, task, version, liveSince }, t, cancellationToken: ct)).ConfigureAwait(false)).ToList();

    /// <summary>Takes the instance for a call: false when another worker took it first (its last use moved).</summary>
    public static async Task<bool> TakeAsync(DbConnection c, Guid id, DateTimeOffset previous, DateTimeOffset now, CancellationToken ct) =>
        await c.ExecuteAsync(new CommandDefinition(
            "UPDATE chem_services SET last_used_at = @now WHERE id = @id AND last_used_at = @previous",
            new { id, previous, now }, cancellationToken: ct)).ConfigureAwait(false) == 1;

    /// <summary>Every service whose last heartbeat is before <paramref name="liveSince"/> (any organization), for dropping.</summary>
    public static async Task<List<(Guid Id, Guid OrgId)>> ExpiredAsync(DbConnection c, DateTimeOffset liveSince, CancellationToken ct) =>
        (await c.QueryAsync<(Guid, Guid)>(new CommandDefinition(
            "SELECT id, org_id FROM chem_services WHERE heartbeat_at < @liveSince", new { liveSince }, cancellationToken: ct)).ConfigureAwait(false)).ToList();
}
