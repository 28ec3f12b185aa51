using System.Data.Common;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dapper;
using Tessera.Data;

namespace Tessera.Jobs.Storage;

/// <summary>
/// The writes a worker makes to the jobs it holds. Each is conditional on the worker's lease
/// (<see cref="JobLease.Guard"/>: running, leased to this worker, on this attempt): once a lease has expired and another worker has taken
/// the job, the old worker's writes match no row and it learns that it lost the job.
/// </summary>
internal sealed class JobLeases(JobWrites writes, JobTransitions transitions, JobInserter inserter, JobsOptions options, TimeProvider time)
{
    private const long RecoveryLockKey = 0x7E55E7A_0003;

    /// <summary>Renews every lease the worker holds; returns those it still holds, with their cancel flags.</summary>
    public async Task<IReadOnlyList<HeldLease>> HeartbeatAsync(string workerId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        // Rows are locked in id order, the order outcome batches use, so a heartbeat and a batch never deadlock.
        // A lost renewal (server crash before the WAL flush) costs nothing: the next heartbeat renews again.
        return await writes.InTransactionAsync(async (connection, transaction) =>
        {
            if (writes.Dialect == SqlDialect.Postgres) await JobClaims.RelaxDurabilityAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
            return (await connection.QueryAsync<HeldLease>(new CommandDefinition(
                $"""
                UPDATE jobs SET lease_expires_at = @until, heartbeat_at = @now
                WHERE id IN (SELECT id FROM jobs WHERE lease_owner = @workerId AND state = 'running' ORDER BY id {(writes.Dialect == SqlDialect.Postgres ? "FOR UPDATE" : "")})
                RETURNING id AS Id, cancel_requested AS CancelRequested
                """,
                new { workerId, now, until = now + options.Lease }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false)).AsList();
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Returns jobs whose lease expired (their worker died) to the queue, or ends them when cancellation was
    /// requested or no attempt is left. Returns how many it recovered.
    /// </summary>
    public async Task<int> RecoverExpiredAsync(CancellationToken cancellationToken)
    {
        JobStateMachine.Ensure(JobState.Running, JobState.Queued);
        JobStateMachine.Ensure(JobState.Running, JobState.Failed);
        JobStateMachine.Ensure(JobState.Running, JobState.Cancelled);
        return await writes.InTransactionAsync(async (connection, transaction) =>
        {
            // One sweeper at a time on PostgreSQL: two sweeps locking the same rows in different orders could deadlock.
            if (writes.Dialect == SqlDialect.Postgres &&
                !await connection.ExecuteScalarAsync<bool>(new CommandDefinition("SELECT pg_try_advisory_xact_lock(@key)", new { key = RecoveryLockKey }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false))
                return 0;
            var now = time.GetUtcNow();
            var recovered = (await connection.QueryAsync<RecoveredRow>(new CommandDefinition(
                $"""
                UPDATE jobs SET
                    state = CASE WHEN cancel_requested = 1 THEN 'cancelled' WHEN attempts >= max_attempts THEN 'failed' ELSE 'queued' END,
                    error_code = CASE WHEN cancel_requested = 0 AND attempts >= max_attempts THEN '{JobErrorCodes.LeaseExpired}' ELSE error_code END,
                    error_message = CASE WHEN cancel_requested = 0 AND attempts >= max_attempts
                        THEN 'The worker running the last allowed attempt stopped responding (its lease expired).' ELSE error_message END,
                    finished_at = CASE WHEN cancel_requested = 1 OR attempts >= max_attempts THEN @now ELSE finished_at END,
                    lease_owner = NULL, lease_expires_at = NULL, heartbeat_at = NULL, updated_at = @now, event_seq = event_seq + 1
                WHERE state = 'running' AND lease_expires_at < @now
                RETURNING id AS Id, state AS State, event_seq AS EventSeq, parent_id AS ParentId
                """,
                new { now }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false)).AsList();
            foreach (var row in recovered.OrderBy(r => r.Id))
            {
                var state = JobStates.Parse(row.State);
                await JobEventLog.AppendAsync(connection, transaction, row.Id, row.EventSeq, JobEventTypes.State, JobState.Running.Name(), row.State,
                    "lease expired: the worker stopped heartbeating", null, now, cancellationToken).ConfigureAwait(false);
                if (state.IsTerminal()) await transitions.SettleAsync(connection, transaction, writes.Dialect, row.Id, state, row.ParentId, hasDependents: true, cancellationToken).ConfigureAwait(false);
            }
            if (recovered.Count > 0) await JobTransitions.NotifyAsync(connection, transaction, writes.Dialect, cancellationToken).ConfigureAwait(false);
            return recovered.Count;
        }, cancellationToken).ConfigureAwait(false);
    }

    public Task<bool> SaveCheckpointAsync(Guid jobId, JobLease lease, JsonNode? checkpoint, CancellationToken cancellationToken) =>
        writes.InTransactionAsync(async (connection, transaction) => await connection.ExecuteAsync(new CommandDefinition(
            $"UPDATE jobs SET checkpoint = @checkpoint, updated_at = @now WHERE id = @jobId AND {JobLease.Guard}",
            new { jobId, leaseWorker = lease.WorkerId, leaseAttempt = lease.Attempt, checkpoint = JsonText.Write(checkpoint), now = time.GetUtcNow() }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false) == 1,
            cancellationToken);

    public Task<bool> ReportProgressAsync(Guid jobId, JobLease lease, long done, long? total, string? message, CancellationToken cancellationToken) =>
        writes.InTransactionAsync(async (connection, transaction) =>
        {
            var now = time.GetUtcNow();
            var seq = await connection.QuerySingleOrDefaultAsync<long?>(new CommandDefinition(
                $"""
                UPDATE jobs SET progress_done = @done, progress_total = @total, progress_message = @message, updated_at = @now,
                    event_seq = event_seq + 1
                WHERE id = @jobId AND {JobLease.Guard}
                RETURNING event_seq
                """,
                new { jobId, leaseWorker = lease.WorkerId, leaseAttempt = lease.Attempt, done, total, message, now }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
            if (seq is null) return false;
            var data = JsonSerializer.Serialize(new { done, total });
            await JobEventLog.AppendAsync(connection, transaction, jobId, seq.Value, JobEventTypes.Progress, null, null, message, data, now, cancellationToken).ConfigureAwait(false);
            return true;
        }, cancellationToken);

    public Task<bool> LogAsync(Guid jobId, JobLease lease, string line, CancellationToken cancellationToken) =>
        writes.InTransactionAsync((connection, transaction) => JobEventLog.AppendNextAsync(
            connection, transaction, jobId, lease, JobEventTypes.Log, line, null, time.GetUtcNow(), cancellationToken), cancellationToken);

    /// <summary>Moves a held job out of running (succeeded, failed, retrying, cancelled, or back to queued); false when the lease was lost.</summary>
    public async Task<bool> FinishAsync(JobOutcome outcome, CancellationToken cancellationToken) =>
        (await FinishManyAsync([outcome], cancellationToken).ConfigureAwait(false))[0];

    /// <summary>
    /// Records several outcomes in one transaction (one commit for many jobs), locking rows in id order so that
    /// concurrent writers lock in the same order. Each is still conditional on its own lease. On PostgreSQL the
    /// plain successes (the bulk under load) go in one set-based statement.
    /// </summary>
    public Task<bool[]> FinishManyAsync(IReadOnlyList<JobOutcome> outcomes, CancellationToken cancellationToken) =>
        writes.InTransactionAsync(async (connection, transaction) =>
        {
            var applied = new bool[outcomes.Count];
            var order = Enumerable.Range(0, outcomes.Count).OrderBy(i => outcomes[i].JobId).ToList();
            var bulk = writes.Dialect == SqlDialect.Postgres && outcomes.Count > 1
                ? order.Where(i => outcomes[i].To == JobState.Succeeded && outcomes[i].Changes.Message is null).ToList()
                : [];
            if (bulk.Count > 0)
            {
                var succeeded = await SucceedManyAsync(connection, transaction, bulk.Select(i => outcomes[i]).ToList(), cancellationToken).ConfigureAwait(false);
                foreach (var i in bulk) applied[i] = succeeded.Contains(outcomes[i].JobId);
            }
            foreach (var i in order.Except(bulk))
            {
                var outcome = outcomes[i];
                applied[i] = await transitions.TryAsync(connection, transaction, writes.Dialect, outcome.JobId, JobState.Running, outcome.To,
                    outcome.Changes with { Lease = outcome.Lease }, cancellationToken).ConfigureAwait(false);
            }
            return applied;
        }, cancellationToken);

    /// <summary>Running → succeeded for many jobs in one statement (PostgreSQL); returns the ids whose lease still held.</summary>
    private async Task<HashSet<Guid>> SucceedManyAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<JobOutcome> outcomes, CancellationToken cancellationToken)
    {
        JobStateMachine.Ensure(JobState.Running, JobState.Succeeded);
        var now = time.GetUtcNow();
        var rows = (await connection.QueryAsync<SucceededRow>(new CommandDefinition(
            """
            WITH input AS (SELECT * FROM unnest(@ids, @workers, @attempts, @results) AS t(id, worker, attempt, result)),
            locked AS MATERIALIZED (SELECT id FROM jobs WHERE id = ANY(@ids) ORDER BY id FOR UPDATE),
            changed AS (
                UPDATE jobs SET state = 'succeeded', result = input.result, error_code = NULL, error_message = NULL, error_detail = NULL,
                    lease_owner = NULL, lease_expires_at = NULL, heartbeat_at = NULL, finished_at = @now, updated_at = @now,
                    event_seq = jobs.event_seq + 1
                FROM input JOIN locked ON locked.id = input.id
                WHERE jobs.id = input.id AND jobs.state = 'running' AND jobs.lease_owner = input.worker AND jobs.attempts = input.attempt
                RETURNING jobs.id AS Id, jobs.event_seq AS EventSeq, jobs.parent_id AS ParentId),
            logged AS (
                INSERT INTO job_events (job_id, seq, type, from_state, to_state, message, data, created_at)
                SELECT id, eventseq, 'state', 'running', 'succeeded', NULL, NULL, @now FROM changed)
            SELECT id AS Id, parentid AS ParentId,
                   EXISTS (SELECT 1 FROM job_dependencies d WHERE d.depends_on_id = changed.id) AS HasDependents
            FROM changed
            """,
            new
            {
                ids = outcomes.Select(o => o.JobId).ToArray(),
                workers = outcomes.Select(o => o.Lease.WorkerId).ToArray(),
                attempts = outcomes.Select(o => o.Lease.Attempt).ToArray(),
                results = outcomes.Select(o => o.Changes.Result).ToArray(),
                now,
            },
            transaction, cancellationToken: cancellationToken)).ConfigureAwait(false)).AsList();
        foreach (var row in rows.Where(r => r.ParentId is not null || r.HasDependents).OrderBy(r => r.Id))
            await transitions.SettleAsync(connection, transaction, writes.Dialect, row.Id, JobState.Succeeded, row.ParentId, row.HasDependents, cancellationToken).ConfigureAwait(false);
        return rows.Select(r => r.Id).ToHashSet();
    }

    /// <summary>The handler asked to wait for its children: waiting, or straight back to queued if they have all finished.</summary>
    public Task<bool> SuspendForChildrenAsync(Guid jobId, JobLease lease, CancellationToken cancellationToken) =>
        writes.InTransactionAsync(async (connection, transaction) =>
        {
            // Lock our own row first: a child finishing now then waits for us and sees the waiting state.
            var held = await connection.ExecuteAsync(new CommandDefinition(
                $"UPDATE jobs SET updated_at = @now WHERE id = @jobId AND {JobLease.Guard}",
                new { jobId, leaseWorker = lease.WorkerId, leaseAttempt = lease.Attempt, now = time.GetUtcNow() }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
            if (held == 0) return false;
            var open = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                $"SELECT COUNT(*) FROM jobs WHERE parent_id = @jobId AND state NOT IN {JobStates.TerminalSqlList}",
                new { jobId }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
            var to = open == 0 ? JobState.Queued : JobState.Waiting;
            return await transitions.TryAsync(connection, transaction, writes.Dialect, jobId, JobState.Running, to,
                new TransitionChanges { Lease = lease, Message = open == 0 ? "children already finished" : $"waiting for {open} child job(s)" },
                cancellationToken).ConfigureAwait(false);
        }, cancellationToken);

    /// <summary>Enqueues a child of a held job (same owner); null when the parent's lease was lost.</summary>
    public Task<JobEnqueueResult?> EnqueueChildAsync(JobRow parent, JobLease lease, JobRequest request, CancellationToken cancellationToken) =>
        writes.InTransactionAsync(async (connection, transaction) =>
        {
            var held = await connection.ExecuteAsync(new CommandDefinition(
                $"UPDATE jobs SET updated_at = @now WHERE id = @jobId AND {JobLease.Guard}",
                new { jobId = parent.Id, leaseWorker = lease.WorkerId, leaseAttempt = lease.Attempt, now = time.GetUtcNow() }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
            if (held == 0) return null;
            return await inserter.InsertAsync(connection, transaction, writes.Dialect, new JobOwner(parent.OwnerUserId, parent.OwnerOrgId), request,
                new JobLinks { ParentId = parent.Id, PipelineId = parent.PipelineId }, cancellationToken).ConfigureAwait(false);
        }, cancellationToken);

    private sealed class SucceededRow
    {
        public Guid Id { get; set; }
        public Guid? ParentId { get; set; }
        public bool HasDependents { get; set; }
    }

    private sealed class RecoveredRow
    {
        public Guid Id { get; set; }
        public string State { get; set; } = "";
        public long EventSeq { get; set; }
        public Guid? ParentId { get; set; }
    }
}

/// <summary>A lease the worker still holds after a heartbeat.</summary>
internal sealed class HeldLease
{
    public Guid Id { get; set; }
    public int CancelRequested { get; set; }
}
