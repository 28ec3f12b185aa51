using System.Data.Common;
using Tessera.Core.Errors;
using Tessera.Data;
using Tessera.Jobs.Pipelines;
using Tessera.Jobs.Storage;

namespace Tessera.Jobs;

/// <summary>
/// What modules, the API and the CLI do with jobs: enqueue (alone, or inside the caller's transaction so a
/// module's rows and its job commit together), read, list, follow events, cancel, retry, instantiate pipelines.
/// Reads and changes go through a <see cref="JobScope"/>; a job outside it is reported as not found.
/// </summary>
public sealed class JobService
{
    private readonly TesseraDatabase _database;
    private readonly JobWrites _writes;
    private readonly JobInserter _inserter;
    private readonly JobTransitions _transitions;
    private readonly JobWakeups _wakeups;
    private readonly TimeProvider _time;

    internal JobService(TesseraDatabase database, JobWrites writes, JobInserter inserter, JobTransitions transitions, JobWakeups wakeups, TimeProvider time)
    {
        _database = database;
        _writes = writes;
        _inserter = inserter;
        _transitions = transitions;
        _wakeups = wakeups;
        _time = time;
    }

    public async Task<JobEnqueueResult> EnqueueAsync(JobOwner owner, JobRequest request, CancellationToken cancellationToken = default)
    {
        var result = await _writes.InTransactionAsync(
            (connection, transaction) => EnqueueAsync(owner, request, connection, transaction, cancellationToken), cancellationToken).ConfigureAwait(false);
        _wakeups.PulseWork();
        return result;
    }

    /// <summary>
    /// Enqueues inside the caller's transaction: the job exists exactly when the caller commits. On PostgreSQL a
    /// NOTIFY sent in the transaction wakes every worker at commit; call <see cref="WakeWorkers"/> after committing
    /// so workers in this process start at once on SQLite too (woken earlier, they would find nothing committed
    /// and sleep until their next poll).
    /// </summary>
    public Task<JobEnqueueResult> EnqueueAsync(JobOwner owner, JobRequest request, DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(owner);
        return _inserter.InsertAsync(connection, transaction, _database.Dialect, owner, request, JobLinks.None, cancellationToken);
    }

    /// <summary>Wakes this process's idle workers to look for work now (after committing jobs enqueued in a transaction).</summary>
    public void WakeWorkers() => _wakeups.PulseWork();

    /// <summary>Creates one job per step in one transaction: steps without dependencies are queued, the others wait.</summary>
    public async Task<PipelineInstance> InstantiatePipelineAsync(JobOwner owner, PipelineTemplate template, CancellationToken cancellationToken = default)
    {
        var instance = await _writes.InTransactionAsync(
            (connection, transaction) => InstantiatePipelineAsync(owner, template, connection, transaction, cancellationToken), cancellationToken).ConfigureAwait(false);
        _wakeups.PulseWork();
        return instance;
    }

    /// <summary>
    /// As <see cref="InstantiatePipelineAsync(JobOwner, PipelineTemplate, CancellationToken)"/>, inside the caller's
    /// transaction (a module's rows for the steps commit with their jobs); call <see cref="WakeWorkers"/> after committing.
    /// </summary>
    public async Task<PipelineInstance> InstantiatePipelineAsync(
        JobOwner owner, PipelineTemplate template, DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(owner);
        var ordered = PipelinePlanner.Order(template);
        var pipelineId = Guid.CreateVersion7(_time.GetUtcNow());
        var created = new Dictionary<string, JobInfo>(StringComparer.Ordinal);
        foreach (var step in ordered)
        {
            var links = new JobLinks
            {
                InitialState = step.DependsOn.Count == 0 ? JobState.Queued : JobState.Waiting,
                PipelineId = pipelineId,
                StepName = step.Name,
                OnDependencyFailure = step.OnDependencyFailure ?? template.OnDependencyFailure,
            };
            var request = new JobRequest(step.Kind, step.Input) { Priority = step.Priority, MaxAttempts = step.MaxAttempts };
            var job = (await _inserter.InsertAsync(connection, transaction, _database.Dialect, owner, request, links, cancellationToken).ConfigureAwait(false)).Job;
            foreach (var dependency in step.DependsOn.Distinct(StringComparer.Ordinal))
            {
                await JobRowChanges.AddDependencyAsync(connection, transaction, job.Id, created[dependency].Id, cancellationToken).ConfigureAwait(false);
            }
            created[step.Name] = job;
        }
        return new PipelineInstance(pipelineId, created);
    }

    public async Task<JobInfo> GetAsync(JobScope scope, Guid id, CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var row = await JobReader.GetRowAsync(connection, null, id, scope, cancellationToken).ConfigureAwait(false);
        return row?.ToInfo() ?? throw TesseraException.NotFound("job");
    }

    public async Task<IReadOnlyList<JobInfo>> ListAsync(JobScope scope, JobListQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.Limit is < 1 or > 1000) throw TesseraException.Validation("limit must be from 1 to 1000.");
        await using var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return (await JobReader.ListAsync(connection, scope, query, cancellationToken).ConfigureAwait(false)).Select(r => r.ToInfo()).ToList();
    }

    /// <summary>The job's events with a sequence number above <paramref name="after"/>, oldest first.</summary>
    public async Task<IReadOnlyList<JobEvent>> GetEventsAsync(JobScope scope, Guid id, long after = 0, int limit = 500, CancellationToken cancellationToken = default) =>
        (await FollowEventsAsync(scope, id, after, limit, cancellationToken).ConfigureAwait(false)).Events;

    /// <summary>
    /// The job's events above <paramref name="after"/>, and whether the job was terminal before they were read.
    /// The job's state is read first: a terminal state commits together with the job's last event, so when it
    /// reads terminal the events read after it include that last event, and a follower that stops on an empty
    /// page of a terminal job has missed nothing.
    /// </summary>
    public async Task<JobEventPage> FollowEventsAsync(JobScope scope, Guid id, long after = 0, int limit = 500, CancellationToken cancellationToken = default)
    {
        if (limit is < 1 or > 5000) throw TesseraException.Validation("limit must be from 1 to 5000.");
        await using var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var row = await JobReader.GetRowAsync(connection, null, id, scope, cancellationToken).ConfigureAwait(false) ?? throw TesseraException.NotFound("job");
        if (BetweenStateAndEventReads is { } hook) await hook(id, after).ConfigureAwait(false);
        var events = await JobReader.EventsAsync(connection, id, after, limit, cancellationToken).ConfigureAwait(false);
        return new JobEventPage(events, row.StateValue.IsTerminal());
    }

    /// <summary>Test seam: runs between the state read and the events read of <see cref="FollowEventsAsync"/> (job id, after).</summary>
    internal Func<Guid, long, Task>? BetweenStateAndEventReads { get; set; }

    /// <summary>
    /// Cancels a job: one that has not started (queued, retrying, waiting) ends cancelled at once; a running one
    /// is flagged, and its worker cancels the handler's token at its next heartbeat (or at once on a wake-up).
    /// Its unfinished children are cancelled too; pipeline dependents follow their failure policy.
    /// </summary>
    public async Task<JobInfo> CancelAsync(JobScope scope, Guid id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var job = await _writes.InTransactionAsync(async (connection, transaction) =>
        {
            var row = await LockAsync(connection, transaction, scope, id, cancellationToken).ConfigureAwait(false);
            var state = row.StateValue;
            if (state == JobState.Running)
            {
                if (row.CancelRequested == 0)
                {
                    await JobRowChanges.RequestCancelAsync(connection, transaction, _database.Dialect, id, _time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
                    await JobEventLog.AppendNextAsync(connection, transaction, id, null, JobEventTypes.Log, "cancellation requested", null, _time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
                }
            }
            else
            {
                JobStateMachine.Ensure(state, JobState.Cancelled);
                await _transitions.TryAsync(connection, transaction, _database.Dialect, id, state, JobState.Cancelled,
                    new TransitionChanges { Message = "cancelled by request" }, cancellationToken).ConfigureAwait(false);
            }
            return (await JobReader.GetRowAsync(connection, transaction, id, scope, cancellationToken).ConfigureAwait(false))!.ToInfo();
        }, cancellationToken).ConfigureAwait(false);
        _wakeups.PulseCancel();
        await CancelChildrenAsync(id, cancellationToken).ConfigureAwait(false);
        return job;
    }

    /// <summary>
    /// Children go with their parent. Each in its own transaction after the parent's commit, so locks are never
    /// taken parent-then-child (a finishing child takes child-then-parent).
    /// </summary>
    private async Task CancelChildrenAsync(Guid parentId, CancellationToken cancellationToken)
    {
        IReadOnlyList<JobRow> children;
        await using (var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
            children = await JobReader.ChildrenAsync(connection, parentId, cancellationToken).ConfigureAwait(false);
        foreach (var child in children.Where(c => !c.StateValue.IsTerminal()))
        {
            try
            {
                await CancelAsync(JobScope.Operator, child.Id, cancellationToken).ConfigureAwait(false);
            }
            catch (TesseraException e) when (e.Code == JobStateMachine.InvalidTransitionCode)
            {
                // It ended meanwhile.
            }
        }
    }

    /// <summary>Runs a failed job again as a new job (terminal states never change) that points back with <c>retry_of</c>.</summary>
    public async Task<JobInfo> RetryAsync(JobScope scope, Guid id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var job = await _writes.InTransactionAsync(async (connection, transaction) =>
        {
            var row = await LockAsync(connection, transaction, scope, id, cancellationToken).ConfigureAwait(false);
            if (row.StateValue != JobState.Failed)
                throw TesseraException.Conflict(JobStateMachine.InvalidTransitionCode, $"Only failed jobs can be retried; this one is {row.State}.");
            // The row lock above orders concurrent retries, so exactly one of them finds no retry yet.
            if (await JobReader.RetryOfAsync(connection, transaction, id, cancellationToken).ConfigureAwait(false) is { } retry)
                throw TesseraException.Conflict(JobErrorCodes.AlreadyRetried, $"Job {id} was already retried as job {retry}; retry that one if it fails.");
            var request = new JobRequest(row.Kind, JsonText.Parse(row.Input))
            {
                Priority = row.Priority,
                MaxAttempts = row.MaxAttempts,
                BackoffBase = TimeSpan.FromMilliseconds(row.BackoffBaseMs),
            };
            var owner = new JobOwner(row.OwnerUserId, row.OwnerOrgId);
            return (await _inserter.InsertAsync(connection, transaction, _database.Dialect, owner, request, new JobLinks { RetryOf = row.Id }, cancellationToken).ConfigureAwait(false)).Job;
        }, cancellationToken).ConfigureAwait(false);
        _wakeups.PulseWork();
        return job;
    }

    private async Task<JobRow> LockAsync(DbConnection connection, DbTransaction transaction, JobScope scope, Guid id, CancellationToken cancellationToken)
    {
        if (!await JobRowChanges.LockAsync(connection, transaction, _database.Dialect, scope, id, cancellationToken).ConfigureAwait(false)) throw TesseraException.NotFound("job");
        return (await JobReader.GetRowAsync(connection, transaction, id, scope, cancellationToken).ConfigureAwait(false))!;
    }
}
