using System.Text.Json;
using Microsoft.Extensions.Logging;
using Tessera.Chem.Storage;
using Tessera.Core.Errors;
using Tessera.Core.Identity;
using Tessera.Data;

namespace Tessera.Chem.Services;

/// <summary>
/// Task services registered with this server. Services are organization-scoped: an organization admin's API token
/// (<c>tasks:define</c>) registers one, and it runs that organization's executions only; another organization neither
/// sees nor uses it (404). A service is live while its last heartbeat is younger than
/// <c>chem:service_heartbeat_timeout_seconds</c> and it passes the health checks; a dead one is dropped (deleted).
/// Instances of a task version are taken least recently used first.
/// </summary>
internal sealed partial class TaskServiceRegistry(TesseraDatabase database, ChemSettings settings, TimeProvider time, ILogger<TaskServiceRegistry> logger)
{
    public const int MaxTasks = 100;
    public const int MaxUrlLength = 2000;

    public TimeSpan HeartbeatTimeout => TimeSpan.FromSeconds(settings.ServiceHeartbeatTimeoutSeconds);

    private DateTimeOffset LiveSince => time.GetUtcNow() - HeartbeatTimeout;

    public async Task<TaskService> RegisterAsync(Principal caller, TaskServiceRegistration request, string serverUrl, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(request);
        caller.Require(Permissions.TasksDefine);
        var url = (request.Url ?? "").Trim().TrimEnd('/');
        if (url.Length is 0 or > MaxUrlLength || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")
            || !string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.UserInfo))
            throw TesseraException.Validation("url must be an absolute http or https URL without query or user info, e.g. http://10.0.0.7:8081.");
        if (request.Tasks is not { Count: > 0 and <= MaxTasks })
            throw TesseraException.Validation($"tasks must list 1 to {MaxTasks} task versions, each {{\"name\", \"version\"}}.");
        var tasks = new List<ServedTask>();
        foreach (var task in request.Tasks)
        {
            if (task?.Name is not { Length: > 0 } name || task.Version is not { } version || version < 1)
                throw TesseraException.Validation("each task needs a name and a version (1 or more).");
            tasks.Add(new ServedTask(name, version));
        }
        tasks = [.. tasks.Distinct()];
        var now = time.GetUtcNow();
        return await database.InTransactionAsync(async (c, t) =>
        {
            foreach (var task in tasks)
                if (await TaskRows.FindAsync(c, t, caller.OrgId, task.Name, task.Version, cancellationToken).ConfigureAwait(false) is null)
                    throw new TesseraException(ChemErrorCodes.ServiceTaskUnknown, 422,
                        $"{task.Name} v{task.Version} is not in the task registry (system tasks and your organization's); register its definition first.");
            // A service that registers again (a restart) replaces its earlier registration at the same URL.
            if (await ServiceRows.FindIdByUrlAsync(c, t, caller.OrgId, url, cancellationToken).ConfigureAwait(false) is { } earlier)
                await ServiceRows.DeleteAsync(c, t, caller.OrgId, earlier, cancellationToken).ConfigureAwait(false);
            var service = new TaskService
            {
                Id = Guid.CreateVersion7(now), OrgId = caller.OrgId, RegisteredBy = caller.UserId, Url = url, ServerUrl = serverUrl.TrimEnd('/'),
                ToolVersions = JsonSerializer.Serialize(request.ToolVersions ?? new Dictionary<string, string>()), RegisteredAt = now, HeartbeatAt = now, LastUsedAt = now, Tasks = tasks,
            };
            await ServiceRows.InsertAsync(c, t, service, cancellationToken).ConfigureAwait(false);
            return service;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>404 when the service is missing, another organization's, or already dropped (it must register again).</summary>
    public async Task HeartbeatAsync(Principal caller, Guid id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        caller.Require(Permissions.TasksDefine);
        await using var c = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        if (!await ServiceRows.HeartbeatAsync(c, caller.OrgId, id, time.GetUtcNow(), LiveSince, cancellationToken).ConfigureAwait(false))
            throw TesseraException.NotFound("service");
    }

    public async Task DeregisterAsync(Principal caller, Guid id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        caller.Require(Permissions.TasksDefine);
        var deleted = await database.InTransactionAsync((c, t) => ServiceRows.DeleteAsync(c, t, caller.OrgId, id, cancellationToken), cancellationToken).ConfigureAwait(false);
        if (!deleted) throw TesseraException.NotFound("service");
    }

    public async Task<IReadOnlyList<TaskService>> ListAsync(Principal caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        caller.Require(Permissions.RunsRead);
        await using var c = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await ServiceRows.ListLiveAsync(c, caller.OrgId, LiveSince, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Whether a live service of the organization runs the task version.</summary>
    public async Task<bool> IsServedAsync(Guid orgId, string task, int version, CancellationToken cancellationToken)
    {
        await using var c = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return (await ServiceRows.CandidatesAsync(c, null, orgId, task, version, LiveSince, cancellationToken).ConfigureAwait(false)).Count > 0;
    }

    /// <summary>The least recently used live instance of the task version, marked used now; null when none is live.</summary>
    public async Task<TaskService?> TakeAsync(Guid orgId, string task, int version, CancellationToken cancellationToken)
    {
        await using var c = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var candidates = await ServiceRows.CandidatesAsync(c, null, orgId, task, version, LiveSince, cancellationToken).ConfigureAwait(false);
            if (candidates.Count == 0) return null;
            var now = time.GetUtcNow();
            if (now <= candidates[0].LastUsedAt) now = candidates[0].LastUsedAt.AddTicks(10);
            if (await ServiceRows.TakeAsync(c, candidates[0].Id, candidates[0].LastUsedAt, now, cancellationToken).ConfigureAwait(false))
                return candidates[0];
        }
        // Workers keep taking the same one at once: use it anyway rather than fail.
        return (await ServiceRows.CandidatesAsync(c, null, orgId, task, version, LiveSince, cancellationToken).ConfigureAwait(false)).FirstOrDefault();
    }

    /// <summary>Drops a service that did not answer (connection refused, timed out, failed health check).</summary>
    public async Task DropAsync(TaskService service, string why, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(service);
        var dropped = await database.InTransactionAsync((c, t) => ServiceRows.DeleteAsync(c, t, service.OrgId, service.Id, cancellationToken), cancellationToken).ConfigureAwait(false);
        if (dropped) LogDropped(service.Id, service.Url, why);
    }

    /// <summary>Drops every service past its heartbeat deadline; returns the live ones (any organization) for health checks.</summary>
    public async Task<IReadOnlyList<TaskService>> SweepAsync(CancellationToken cancellationToken)
    {
        List<(Guid Id, Guid OrgId)> expired;
        await using (var c = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
            expired = await ServiceRows.ExpiredAsync(c, LiveSince, cancellationToken).ConfigureAwait(false);
        foreach (var (id, orgId) in expired)
            await DropAsync(new TaskService { Id = id, OrgId = orgId, Url = "?" }, "no heartbeat", cancellationToken).ConfigureAwait(false);
        await using var r = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await ServiceRows.ListLiveAsync(r, null, LiveSince, cancellationToken).ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dropped chem task service {Id} at {Url}: {Why}.")]
    private partial void LogDropped(Guid id, string url, string why);
}
