using System.Data.Common;
using Dapper;
using Tessera.Data;

namespace Tessera.Jobs.Storage;

/// <summary>
/// Every state change goes through here: the state machine validates it, one conditional UPDATE applies it
/// (on the expected state, and on the caller's lease when a worker makes it), an event records it, and a
/// terminal state settles what waited on the job (DAG dependents, a fan-in parent). A change whose
/// condition no longer holds (a stale worker, a lost race) writes nothing and returns false.
/// </summary>
internal sealed class JobTransitions(TimeProvider time)
{
    public async Task<bool> TryAsync(
        DbConnection connection, DbTransaction transaction, SqlDialect dialect, Guid id, JobState from, JobState to,
        TransitionChanges changes, CancellationToken cancellationToken)
    {
        JobStateMachine.Ensure(from, to);
        var now = time.GetUtcNow();
        var set = new List<string> { "state = @to", "updated_at = @now", "event_seq = event_seq + 1" };
        if (from == JobState.Running) set.Add("lease_owner = NULL, lease_expires_at = NULL, heartbeat_at = NULL");
        if (to == JobState.Succeeded) set.Add("result = @result, error_code = NULL, error_message = NULL, error_detail = NULL");
        if (changes.Error is not null) set.Add("error_code = @errorCode, error_message = @errorMessage, error_detail = @errorDetail");
        if (changes.RunAt is not null) set.Add("run_at = @runAt");
        if (to.IsTerminal()) set.Add("finished_at = @now");
        var leaseGuard = changes.Lease is null ? "" : $"AND {JobLease.Guard}";

        var update = $"""
            UPDATE jobs SET {string.Join(", ", set)}
            WHERE id = @id AND state = @from {leaseGuard}
            RETURNING id AS Id, event_seq AS EventSeq, parent_id AS ParentId
            """;
        // PostgreSQL: change, log and look for dependents in one round trip. SQLite runs in-process: plain statements.
        var sql = dialect == SqlDialect.Postgres
            ? $"""
                WITH changed AS ({update}),
                logged AS (
                    INSERT INTO job_events (job_id, seq, type, from_state, to_state, message, data, created_at)
                    SELECT id, eventseq, 'state', @from, @to, @message, NULL, @now FROM changed)
                SELECT eventseq AS EventSeq, parentid AS ParentId,
                       EXISTS (SELECT 1 FROM job_dependencies d WHERE d.depends_on_id = changed.id) AS HasDependents
                FROM changed
                """
            : update;
        var message = changes.Message ?? changes.Error?.Message;
        var applied = await connection.QuerySingleOrDefaultAsync<AppliedRow>(new CommandDefinition(
            sql,
            new
            {
                id,
                from = from.Name(),
                to = to.Name(),
                now,
                result = changes.Result,
                leaseWorker = changes.Lease?.WorkerId,
                leaseAttempt = changes.Lease?.Attempt,
                runAt = changes.RunAt,
                errorCode = changes.Error?.Code,
                errorMessage = changes.Error?.Message,
                errorDetail = changes.Error?.Detail,
                message,
            },
            transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        if (applied is null) return false;

        if (dialect == SqlDialect.Sqlite)
        {
            await JobEventLog.AppendAsync(connection, transaction, id, applied.EventSeq, JobEventTypes.State, from.Name(), to.Name(),
                message, null, now, cancellationToken).ConfigureAwait(false);
            applied.HasDependents = true;
        }
        if (to is JobState.Queued) await NotifyAsync(connection, transaction, dialect, cancellationToken).ConfigureAwait(false);
        if (to.IsTerminal())
            await SettleAsync(connection, transaction, dialect, id, to, applied.ParentId, applied.HasDependents, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>A job reached <paramref name="outcome"/>: release or fail its dependents, and wake its parent if it was the last child.</summary>
    public async Task SettleAsync(
        DbConnection connection, DbTransaction transaction, SqlDialect dialect, Guid id, JobState outcome, Guid? parentId, bool hasDependents,
        CancellationToken cancellationToken)
    {
        if (hasDependents)
        {
            var dependents = await connection.QueryAsync<Guid>(new CommandDefinition(
                "SELECT job_id FROM job_dependencies WHERE depends_on_id = @id ORDER BY job_id",
                new { id }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
            foreach (var dependent in dependents)
                await SettleDependentAsync(connection, transaction, dialect, dependent, id, outcome, cancellationToken).ConfigureAwait(false);
        }

        if (parentId is { } parent && await LockWaitingAsync(connection, transaction, dialect, parent, cancellationToken).ConfigureAwait(false))
        {
            var open = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                $"SELECT COUNT(*) FROM jobs WHERE parent_id = @parent AND state NOT IN {JobStates.TerminalSqlList}",
                new { parent }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
            if (open == 0)
                await TryAsync(connection, transaction, dialect, parent, JobState.Waiting, JobState.Queued,
                    new TransitionChanges { Message = "all children finished" }, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task SettleDependentAsync(
        DbConnection connection, DbTransaction transaction, SqlDialect dialect, Guid dependent, Guid upstream, JobState outcome, CancellationToken cancellationToken)
    {
        // Locked first, so two dependencies finishing at once cannot both miss that the other finished.
        if (!await LockWaitingAsync(connection, transaction, dialect, dependent, cancellationToken).ConfigureAwait(false)) return;
        if (outcome != JobState.Succeeded)
        {
            var policy = await connection.ExecuteScalarAsync<string>(new CommandDefinition(
                "SELECT on_dependency_failure FROM jobs WHERE id = @dependent", new { dependent }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
            var message = $"dependency {upstream} ended {outcome.Name()}";
            var to = policy == PipelinePolicies.Skip ? JobState.Skipped : JobState.Failed;
            var changes = to == JobState.Failed
                ? new TransitionChanges { Error = new JobError(JobErrorCodes.DependencyFailed, message, null) }
                : new TransitionChanges { Message = message };
            await TryAsync(connection, transaction, dialect, dependent, JobState.Waiting, to, changes, cancellationToken).ConfigureAwait(false);
            return;
        }
        var unfinished = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            """
            SELECT COUNT(*) FROM job_dependencies d JOIN jobs u ON u.id = d.depends_on_id
            WHERE d.job_id = @dependent AND u.state <> 'succeeded'
            """,
            new { dependent }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        if (unfinished == 0)
            await TryAsync(connection, transaction, dialect, dependent, JobState.Waiting, JobState.Queued,
                new TransitionChanges { Message = "all dependencies succeeded" }, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<bool> LockWaitingAsync(DbConnection connection, DbTransaction transaction, SqlDialect dialect, Guid id, CancellationToken cancellationToken)
    {
        var state = await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition(
            Sql.LockJob(dialect), new { id }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return state == JobState.Waiting.Name();
    }

    public static Task NotifyAsync(DbConnection connection, DbTransaction transaction, SqlDialect dialect, CancellationToken cancellationToken) =>
        dialect == SqlDialect.Postgres
            ? connection.ExecuteAsync(new CommandDefinition(Sql.Notify(dialect, JobChannels.WorkPayload), transaction: transaction, cancellationToken: cancellationToken))
            : Task.CompletedTask;

    private sealed class AppliedRow
    {
        public Guid Id { get; set; }
        public long EventSeq { get; set; }
        public Guid? ParentId { get; set; }
        public bool HasDependents { get; set; }
    }
}
