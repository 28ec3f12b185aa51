using System.Data.Common;
using System.Text.Json;
using Dapper;
using Tessera.Data;

namespace Tessera.Jobs.Storage;

/// <summary>
/// Takes claimable jobs for one worker, atomically. PostgreSQL: <c>FOR UPDATE SKIP LOCKED</c> in a CTE that also
/// updates and logs them, in one statement. SQLite: a select and an update inside BEGIN IMMEDIATE, which holds
/// the database's write lock, so no two claimers see the same rows.
/// Concurrency limits (per kind, per organization) count running jobs at claim time; when any applies, a claim
/// takes one job at a time and PostgreSQL claimers take an advisory lock first, so the counts are exact.
/// </summary>
internal sealed class JobClaims(JobWrites writes, JobsOptions options, TimeProvider time)
{
    private const long LimitedClaimLockKey = 0x7E55E7A_0002;

    public async Task<IReadOnlyList<JobRow>> ClaimAsync(string workerId, IReadOnlyCollection<string> kinds, int max, CancellationToken cancellationToken)
    {
        if (kinds.Count == 0 || max <= 0) return [];
        var limited = options.OrgMaxRunning > 0 || kinds.Any(options.KindLimits.ContainsKey);
        // The clock is read once the claim holds its locks (SQLite's write lock, PostgreSQL's advisory lock): read
        // before, a claimer that waited behind a dependency's completion would give the dependent a start time
        // earlier than that dependency's finish.
        DynamicParameters Parameters(DateTimeOffset now)
        {
            var parameters = new DynamicParameters(new
            {
                now,
                worker = workerId,
                until = now + options.Lease,
                batch = limited ? 1 : max,
                message = ClaimMessage(workerId),
                orgMax = options.OrgMaxRunning,
                limits = JsonSerializer.Serialize(options.KindLimits),
            });
            parameters.Add("kinds", writes.Dialect.ListValue(kinds));
            return parameters;
        }
        var candidates = $"""
            SELECT c.id AS picked_id, c.state AS previous_state FROM jobs c
            WHERE c.state IN ('queued', 'retrying') AND c.run_at <= @now AND {writes.Dialect.InList("c.kind", "kinds")}
            {(limited ? LimitsClause() : "")}
            ORDER BY c.priority DESC, c.run_at, c.id
            LIMIT @batch
            """;
        return await writes.InTransactionAsync(async (connection, transaction) =>
        {
            if (writes.Dialect == SqlDialect.Postgres)
            {
                await RelaxDurabilityAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
                if (limited)
                    await connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_xact_lock(@key)", new { key = LimitedClaimLockKey }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
                return await ClaimOnPostgresAsync(connection, transaction, candidates, Parameters(time.GetUtcNow()), cancellationToken).ConfigureAwait(false);
            }
            var now = time.GetUtcNow();
            return await ClaimOnSqliteAsync(connection, transaction, candidates, Parameters(now), now, cancellationToken).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
    }

    private const string ClaimSet = """
        state = 'running', lease_owner = @worker, lease_expires_at = @until, heartbeat_at = @now, attempts = attempts + 1,
        started_at = COALESCE(started_at, @now), updated_at = @now, event_seq = event_seq + 1
        """;

    private static async Task<IReadOnlyList<JobRow>> ClaimOnPostgresAsync(
        DbConnection connection, DbTransaction transaction, string candidates, DynamicParameters parameters, CancellationToken cancellationToken)
    {
        var rows = await connection.QueryAsync<JobRow>(new CommandDefinition(
            $"""
            WITH picked AS ({candidates} FOR UPDATE SKIP LOCKED),
            claimed AS (
                UPDATE jobs SET {ClaimSet}
                FROM picked WHERE jobs.id = picked.picked_id
                RETURNING {JobRow.Columns}, picked.previous_state),
            logged AS (
                INSERT INTO job_events (job_id, seq, type, from_state, to_state, message, data, created_at)
                SELECT id, eventseq, 'state', previous_state, 'running', @message, NULL, @now FROM claimed)
            SELECT * FROM claimed
            """,
            parameters, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return rows.AsList();
    }

    private static async Task<IReadOnlyList<JobRow>> ClaimOnSqliteAsync(
        DbConnection connection, DbTransaction transaction, string candidates, DynamicParameters parameters, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var picked = (await connection.QueryAsync<PickedRow>(new CommandDefinition(
            candidates, parameters, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false)).AsList();
        // Inside BEGIN IMMEDIATE nothing else writes, so the picked rows are still claimable; one keyed update each.
        var rows = new List<JobRow>(picked.Count);
        foreach (var pick in picked)
        {
            parameters.Add("id", pick.Picked_Id);
            var row = await connection.QuerySingleAsync<JobRow>(new CommandDefinition(
                $"UPDATE jobs SET {ClaimSet} WHERE id = @id RETURNING {JobRow.Columns}",
                parameters, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
            await JobEventLog.AppendAsync(connection, transaction, row.Id, row.EventSeq, JobEventTypes.State,
                pick.Previous_State, JobState.Running.Name(), ClaimMessage(row.LeaseOwner!), null, now, cancellationToken).ConfigureAwait(false);
            rows.Add(row);
        }
        return rows;
    }

    /// <summary>
    /// A claim may skip waiting for its WAL flush: if the server crashed before the flush, the claim is simply lost,
    /// the job is claimable again, and the worker's lease-guarded writes for it are rejected. Outcomes and
    /// checkpoints keep full durability.
    /// </summary>
    internal static Task RelaxDurabilityAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition("SET LOCAL synchronous_commit = off", transaction: transaction, cancellationToken: cancellationToken));

    private static string ClaimMessage(string workerId) => $"claimed by {workerId}";

    private string LimitsClause()
    {
        var jsonEach = writes.Dialect == SqlDialect.Postgres ? "json_each_text(CAST(@limits AS json))" : "json_each(@limits)";
        return $"""
            AND COALESCE((SELECT CAST(l.value AS integer) FROM {jsonEach} l WHERE l.key = c.kind), 2147483647)
                > (SELECT COUNT(*) FROM jobs r WHERE r.state = 'running' AND r.kind = c.kind)
            AND (@orgMax = 0 OR (SELECT COUNT(*) FROM jobs r WHERE r.state = 'running' AND r.owner_org_id = c.owner_org_id) < @orgMax)
            """;
    }

    private sealed class PickedRow
    {
        public Guid Picked_Id { get; set; }
        public string Previous_State { get; set; } = "";
    }
}
