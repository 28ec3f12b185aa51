using System.Text.Json.Nodes;
using Tessera.Chem.Access;
using Tessera.Chem.Quotas;
using Tessera.Chem.Services;
using Tessera.Chem.Storage;
using Tessera.Chem.Tasks;
using Tessera.Core.Errors;
using Tessera.Core.Identity;
using Tessera.Data;
using Tessera.Jobs;
using Tessera.Platform.Downloads;

namespace Tessera.Chem.Executions;

/// <summary>
/// Task executions, for the API and the CLI alike: parameters are checked against the stored schema of the task version
/// (422 with each error's path), then the execution row and its job (<c>chem.execute</c>) are written in one transaction.
/// The job engine runs it (durable, leased, retried, cancellable); reads join the row with its job. Another
/// organization's execution is missing (404).
/// <para>
/// The result cache: each submission's <see cref="InputSignature"/> is computed first. A completed execution of the same
/// organization with the same signature (or a compatible version's, within the policy's TTL) serves it: the new
/// execution is written already succeeded with that result and no job. An identical execution still in flight is
/// joined instead of run twice. Both lookups and the insert happen under a lock on the signature (a PostgreSQL
/// transaction-scoped advisory lock; SQLite's write transactions are serial), so concurrent identical submissions run
/// the tool once.
/// </para>
/// <para>
/// Before that, the caller must be allowed to execute the task (<see cref="TaskPermissions"/>: 403 naming it); an
/// execution that needs a job of its own must fit the organization's quotas (<see cref="QuotaService"/>: 429 or 403
/// naming the quota), checked in the transaction that enqueues it. Each decision is the execution's first events.
/// </para>
/// </summary>
internal sealed class ExecutionService(
    TesseraDatabase database, TaskRegistry registry, JobService jobs, ExecutionCache cache, TaskServiceRegistry services, TaskPermissions permissions,
    QuotaService quotas, ExecutionJournal journal, SignedDownloads downloads, ExecutionResults results, TimeProvider time)
{
    /// <summary>Attempts before a transient failure (a lost worker, a database outage) fails the execution.</summary>
    public const int MaxAttempts = 3;

    /// <summary>How many earlier executions of the task a miss is compared with to find the nearest.</summary>
    public const int ExplainCandidates = 200;

    /// <summary>
    /// An execution with its job. <paramref name="Job"/> is null when no job is behind it: a cache hit, or a joined
    /// execution whose source has completed (its result then stands in <paramref name="Execution"/>); for a joined
    /// execution still in flight it is the source's job.
    /// </summary>
    public sealed record Snapshot(Execution Execution, JobInfo? Job);

    public IReadOnlyCollection<string> Executable => cache.Executable;

    /// <summary>As the API's execute: <paramref name="useCache"/> false runs it even when a completed identical execution could serve (the signature is still recorded).</summary>
    public async Task<Snapshot> SubmitAsync(Principal caller, string task, int? version, JsonNode? parameters, bool useCache, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        caller.Require(Permissions.TasksExecute);
        var definition = await registry.RequireValidAsync(caller, task, version, parameters, cancellationToken).ConfigureAwait(false);
        await permissions.RequireExecuteAsync(caller, definition, cancellationToken).ConfigureAwait(false);
        await RequireExecutableAsync(caller.OrgId, definition, cancellationToken).ConfigureAwait(false);
        var (signature, policy) = await cache.KeyAsync(caller.OrgId, definition, (JsonObject)parameters!, cancellationToken).ConfigureAwait(false);
        var signatures = ExecutionCache.AcceptedSignatures(signature, policy);
        var now = time.GetUtcNow();
        var id = Guid.CreateVersion7(now);
        var execution = new Execution
        {
            Id = id, OrgId = caller.OrgId, UserId = caller.UserId, TaskId = definition.Id, TaskName = definition.Name, TaskVersion = definition.Version,
            Service = Execution.InProcessService, Parameters = parameters!.ToJsonString(), CreatedAt = now,
            InputSignature = signature.Hash, SignatureComponents = signature.Text,
            CacheOutcome = !policy.Enabled ? CacheOutcomes.Disabled : useCache ? CacheOutcomes.Miss : CacheOutcomes.Bypassed,
        };
        var snapshot = await database.InTransactionAsync(async (c, t) =>
        {
            await ExecutionRows.LockSignatureAsync(c, t, database.Dialect, caller.OrgId, signature.Hash, cancellationToken).ConfigureAwait(false);
            if (execution.CacheOutcome == CacheOutcomes.Miss)
            {
                var hit = await cache.FindHitAsync(c, t, caller.OrgId, signatures, policy, now, cancellationToken).ConfigureAwait(false);
                if (hit is not null)
                {
                    var served = execution with { ResultId = hit.ResultId, CompletedAt = now, CachedFrom = hit.Id, CacheOutcome = CacheOutcomes.Hit, FinishedAt = now, CpuSeconds = 0 };
                    await ExecutionRows.InsertAsync(c, t, served, cancellationToken).ConfigureAwait(false);
                    await cache.EventAsync(c, t, served, cancellationToken).ConfigureAwait(false);
                    await journal.AppendAsync(c, t, served, ExecutionEventTypes.Succeeded, "succeeded: served from the cache, no tool ran",
                        new JsonObject { ["seconds"] = 0, ["cpu_seconds"] = 0 }, cancellationToken).ConfigureAwait(false);
                    return new Snapshot(served, null);
                }
                foreach (var pending in await ExecutionRows.PendingAsync(c, t, caller.OrgId, signatures, 3, cancellationToken).ConfigureAwait(false))
                {
                    var job = await jobs.GetAsync(JobScope.Operator, pending.JobId!.Value, cancellationToken).ConfigureAwait(false);
                    if (job.State.IsTerminal()) continue;
                    var joined = execution with { CachedFrom = pending.Id, CacheOutcome = CacheOutcomes.Joined };
                    await ExecutionRows.InsertAsync(c, t, joined, cancellationToken).ConfigureAwait(false);
                    await cache.EventAsync(c, t, joined, cancellationToken).ConfigureAwait(false);
                    return new Snapshot(joined, job);
                }
            }
            await quotas.RequireExecutionRoomAsync(c, t, caller.OrgId, cancellationToken).ConfigureAwait(false);
            var enqueued = (await jobs.EnqueueAsync(JobOwner.Of(caller), new JobRequest(ChemExecuteJobHandler.JobKind, ChemExecuteJobHandler.Input(id))
            {
                IdempotencyKey = "chem.execution:" + id, MaxAttempts = MaxAttempts,
            }, c, t, cancellationToken).ConfigureAwait(false)).Job;
            var run = execution with { JobId = enqueued.Id };
            await ExecutionRows.InsertAsync(c, t, run, cancellationToken).ConfigureAwait(false);
            await cache.EventAsync(c, t, run, cancellationToken).ConfigureAwait(false);
            await journal.AppendAsync(c, t, run, ExecutionEventTypes.Queued, $"queued as job {enqueued.Id}",
                new JsonObject { ["job_id"] = enqueued.Id.ToString() }, cancellationToken).ConfigureAwait(false);
            return new Snapshot(run, enqueued);
        }, cancellationToken).ConfigureAwait(false);
        if (snapshot.Execution.JobId is not null) jobs.WakeWorkers();
        return snapshot with { Execution = await results.WithResultAsync(snapshot.Execution, cancellationToken).ConfigureAwait(false) };
    }

    /// <summary>The execution's events in order; another organization's execution is missing (404).</summary>
    public async Task<IReadOnlyList<ExecutionEvent>> EventsAsync(Principal caller, Guid id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        caller.Require(Permissions.RunsRead);
        await using var c = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        _ = await ExecutionRows.FindAsync(c, caller.OrgId, id, cancellationToken).ConfigureAwait(false) ?? throw TesseraException.NotFound("execution");
        return await ExecutionEventRows.ListAsync(c, caller.OrgId, id, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The tool logs the execution kept, oldest first, each with a signed link to its bytes (the platform's blob
    /// download, valid as long as an artifact's); another organization's execution is missing (404).
    /// </summary>
    public async Task<IReadOnlyList<(ExecutionLog Log, SignedLink Link)>> LogsAsync(Principal caller, Guid id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        caller.Require(Permissions.RunsRead);
        IReadOnlyList<ExecutionLog> logs;
        await using (var c = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
        {
            _ = await ExecutionRows.FindAsync(c, caller.OrgId, id, cancellationToken).ConfigureAwait(false) ?? throw TesseraException.NotFound("execution");
            logs = await ExecutionEventRows.ListLogsAsync(c, caller.OrgId, id, cancellationToken).ConfigureAwait(false);
        }
        var linked = new List<(ExecutionLog, SignedLink)>(logs.Count);
        foreach (var log in logs)
            linked.Add((log, await downloads.SignLinkAsync($"/api/v1/blobs/{log.BlobSha256}", caller.OrgId, Molecules.MoleculeReader.LinkLifetime).ConfigureAwait(false)));
        return linked;
    }

    /// <summary>A 422 <c>CHEM_NO_LIVE_SERVICE</c> unless a runner in the workers or a live task service of the organization runs the task version.</summary>
    public async Task RequireExecutableAsync(Guid orgId, TaskDefinition definition, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(definition);
        if (cache.RunnerFor(definition) is null && !await services.IsServedAsync(orgId, definition.Name, definition.Version, cancellationToken).ConfigureAwait(false))
            throw new TesseraException(ChemErrorCodes.NoLiveService, 422,
                $"No live task service runs {definition.Name} v{definition.Version}; start one (see docs/chem-task-services.md). The system tasks the workers run themselves are: {string.Join(", ", Executable)}.");
    }

    public async Task<Snapshot> GetAsync(Principal caller, Guid id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        caller.Require(Permissions.RunsRead);
        Execution execution;
        Execution? source = null;
        await using (var c = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
        {
            execution = await ExecutionRows.FindAsync(c, caller.OrgId, id, cancellationToken).ConfigureAwait(false) ?? throw TesseraException.NotFound("execution");
            if (execution.JobId is null && execution.ResultId is null && execution.CachedFrom is { } from)
                source = await ExecutionRows.FindAsync(c, caller.OrgId, from, cancellationToken).ConfigureAwait(false);
        }
        if (source is not null)
        {
            // Joined to an execution in flight: its result once it has one, else its job's state.
            var sourceJob = source.ResultId is null ? await jobs.GetAsync(JobScope.Operator, source.JobId!.Value, cancellationToken).ConfigureAwait(false) : null;
            if (sourceJob is not null) source = await FindAgainAsync(caller, source, cancellationToken).ConfigureAwait(false);
            if (source.ResultId is not null)
                return new Snapshot(await results.WithResultAsync(execution with { ResultId = source.ResultId, CompletedAt = source.CompletedAt }, cancellationToken).ConfigureAwait(false), null);
            return new Snapshot(execution, sourceJob);
        }
        // The row's organization filter decided visibility; the job belongs to whoever in it submitted the execution.
        var job = execution.JobId is { } jobId ? await jobs.GetAsync(JobScope.Operator, jobId, cancellationToken).ConfigureAwait(false) : null;
        if (job is not null && execution.ResultId is null) execution = await FindAgainAsync(caller, execution, cancellationToken).ConfigureAwait(false);
        return new Snapshot(await results.WithResultAsync(execution, cancellationToken).ConfigureAwait(false), job);
    }

    /// <summary>
    /// An execution read again after its job: it completes before its job ends, so the row read now is never older than
    /// the job's state (read only before, a job could say succeeded beside an execution without its result).
    /// </summary>
    private async Task<Execution> FindAgainAsync(Principal caller, Execution execution, CancellationToken cancellationToken)
    {
        await using var c = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await ExecutionRows.FindAsync(c, caller.OrgId, execution.Id, cancellationToken).ConfigureAwait(false) ?? execution;
    }

    /// <summary>
    /// Why an execution was or was not served from the cache: the execution that served it, or the nearest earlier
    /// execution of the same task in the organization (the fewest differing signature fields, then the newest) and
    /// each field that differed; the organization filter is in SQL, so no other organization's execution is compared.
    /// </summary>
    public async Task<CacheExplanation> ExplainAsync(Principal caller, Guid id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        caller.Require(Permissions.RunsRead);
        await using var c = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var execution = await ExecutionRows.FindAsync(c, caller.OrgId, id, cancellationToken).ConfigureAwait(false) ?? throw TesseraException.NotFound("execution");
        if (execution.SignatureComponents is null)
            return new CacheExplanation(execution, null, [], "This execution was submitted before the result cache recorded signatures.");
        if (execution.CachedFrom is { } from)
        {
            var source = await ExecutionRows.FindAsync(c, caller.OrgId, from, cancellationToken).ConfigureAwait(false);
            return new CacheExplanation(execution, source, Differences(source, execution), execution.CacheOutcome == CacheOutcomes.Joined
                ? $"An identical execution ({from}) was in flight when this one was submitted; this one takes its result instead of running the tool again."
                : $"Served from the cache: execution {from} had completed with the same input signature.");
        }
        var earlier = await ExecutionRows.EarlierAsync(c, caller.OrgId, execution.TaskName, execution.Id, execution.CreatedAt, ExplainCandidates, cancellationToken).ConfigureAwait(false);
        var mine = InputSignature.Flatten(InputSignature.Parse(execution.SignatureComponents).Components);
        // Only executions that ran (or could have served) are compared: an earlier cache hit is the same as its source.
        var nearest = earlier.Where(e => e.CachedFrom is null)
            .Select(e => (Execution: e, Count: Diff(InputSignature.Flatten(InputSignature.Parse(e.SignatureComponents!).Components), mine).Count))
            .OrderBy(p => p.Count).ThenByDescending(p => p.Execution.CreatedAt).Select(p => p.Execution).FirstOrDefault();
        var differences = Differences(nearest, execution);
        var reason = execution.CacheOutcome switch
        {
            CacheOutcomes.Bypassed => "The cache was bypassed on request (cache=false / --no-cache): the task ran.",
            CacheOutcomes.Disabled => $"{execution.TaskName} v{execution.TaskVersion} has its cache turned off: the task ran.",
            _ when nearest is null => $"No earlier execution of {execution.TaskName} in this organization: the task ran.",
            _ when differences.Count > 0 => $"No completed execution had the same input signature; the nearest earlier one ({nearest.Id}) differs in: " +
                string.Join("; ", differences.Select(d => d.Summary)) + ".",
            _ when nearest.ResultId is null => $"The identical execution {nearest.Id} had not succeeded, so it could not serve this one: the task ran.",
            _ => await ExpiredAsync(caller, execution, nearest, cancellationToken).ConfigureAwait(false),
        };
        return new CacheExplanation(execution, nearest, differences, reason);
    }

    private async Task<string> ExpiredAsync(Principal caller, Execution execution, Execution nearest, CancellationToken cancellationToken)
    {
        var definition = await registry.GetAsync(caller, execution.TaskName, execution.TaskVersion, cancellationToken).ConfigureAwait(false);
        var ttl = cache.Ttl(TaskCachePolicy.Parse(definition.Cache));
        return ttl is { } age && nearest.CompletedAt is { } completed && execution.CreatedAt - completed > age
            ? $"Expired: the identical execution {nearest.Id} completed at {completed:O}, {(execution.CreatedAt - completed).TotalSeconds:0} s before this one " +
              $"was submitted, beyond the cache's ttl_seconds ({age.TotalSeconds:0}): the task ran."
            : $"The identical execution {nearest.Id} had not completed when this one was submitted: the task ran.";
    }

    /// <summary>The signature fields that differ between an earlier execution and this one (none when there is no earlier one).</summary>
    private static List<SignatureDifference> Differences(Execution? earlier, Execution execution) =>
        earlier?.SignatureComponents is null || execution.SignatureComponents is null ? [] :
        Diff(InputSignature.Flatten(InputSignature.Parse(earlier.SignatureComponents).Components),
            InputSignature.Flatten(InputSignature.Parse(execution.SignatureComponents).Components));

    private static List<SignatureDifference> Diff(SortedDictionary<string, string> before, SortedDictionary<string, string> after) =>
        [.. before.Keys.Union(after.Keys).Order(StringComparer.Ordinal)
            .Select(k => new SignatureDifference(k, before.GetValueOrDefault(k), after.GetValueOrDefault(k)))
            .Where(d => d.Before != d.After)];
}

/// <summary>One signature field that differs: its dotted path (<c>parameters.exhaustiveness</c>) and both values as JSON text (null: absent).</summary>
internal sealed record SignatureDifference(string Field, string? Before, string? After)
{
    /// <summary><c>parameters.exhaustiveness: 8 → 16</c>, content hashes shortened to 12 characters.</summary>
    public string Summary => $"{Field}: {Short(Before)} → {Short(After)}";

    private static string Short(string? value)
    {
        if (value is null) return "(absent)";
        var text = value.Trim('"');
        var at = text.IndexOf("sha256:", StringComparison.Ordinal);
        return at >= 0 && text.Length > at + 7 + 12 ? text[..(at + 7 + 12)] + "…" : text;
    }
}

/// <summary>The cache's decision on one execution, with the execution it was compared with (or served by) and the fields that differ.</summary>
internal sealed record CacheExplanation(Execution Execution, Execution? Compared, IReadOnlyList<SignatureDifference> Differences, string Reason);
