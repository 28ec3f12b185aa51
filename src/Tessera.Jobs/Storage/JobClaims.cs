using System.Data.Common;
using System.Text.Json;
using Dapper;
using Tessera.Data;

namespace Tessera.Jobs.Storage;

/// <summary>
/// Takes claimable jobs for one worker, atomically. PostgreSQL: <c>FOR UPDATE SKIP LOCKED</c> in a CTE that also
/// updates and logs them, in one statement. SQLite: selects and updates inside BEGIN IMMEDIATE, which holds the
/// database's write lock, so no two claimers see the same rows.
/// Fair share (the default): a claim serves the waiting organizations in turn, least recently served first, each
/// one's jobs in priority order, and moves the organizations it served to the back (<c>job_org_turns</c>).
/// PostgreSQL claimers then take an advisory lock first, so two never compute the same turn order.
/// Concurrency limits (per kind, per organization) count running jobs at claim time; when any applies, a claim
/// takes one job at a time under the same advisory lock, so the counts are exact.
/// </summary>
internal sealed class JobClaims(JobWrites writes, JobsOptions options, TimeProvider time)
{
    private const long SerializedClaimLockKey = 0x7E55E7A_0002;

    public Task<IReadOnlyList<JobRow>> ClaimAsync(string workerId, IReadOnlyCollection<string> kinds, int max, CancellationToken cancellationToken) =>
        ClaimAsync(workerId, kinds, max, null, cancellationToken);

    /// <summary>Claims up to <paramref name="max"/> jobs of <paramref name="kinds"/>; with <paramref name="only"/>, none but those jobs.</summary>
    public async Task<IReadOnlyList<JobRow>> ClaimAsync(
        string workerId, IReadOnlyCollection<string> kinds, int max, IReadOnlyCollection<Guid>? only, CancellationToken cancellationToken)
    {
        if (kinds.Count == 0 || max <= 0 || only is { Count: 0 }) return [];
        var limited = options.OrgMaxRunning > 0 || kinds.Any(options.KindLimits.ContainsKey);
        var queries = new ClaimQueries(writes.Dialect, limited, only is not null);
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
            if (only is not null) parameters.Add("only", writes.Dialect.ListValue(only));
            return parameters;
        }
        return await writes.InTransactionAsync(async (connection, transaction) =>
        {
            if (writes.Dialect == SqlDialect.Postgres)
            {
                await RelaxDurabilityAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
                if (limited || options.FairShare)
                    await connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_xact_lock(@key)", new { key = SerializedClaimLockKey }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
                var picked = options.FairShare ? queries.FairLockedOnPostgres : $"{queries.ByPriority} FOR UPDATE SKIP LOCKED";
                return await ClaimOnPostgresAsync(connection, transaction, picked, options.FairShare, Parameters(time.GetUtcNow()), cancellationToken).ConfigureAwait(false);
            }
            var now = time.GetUtcNow();
            var parameters = Parameters(now);
            var pickedRows = options.FairShare
                ? await PickInTurnsOnSqliteAsync(connection, transaction, queries, parameters, limited ? 1 : max, cancellationToken).ConfigureAwait(false)
                : (await connection.QueryAsync<PickedRow>(new CommandDefinition(queries.ByPriority, parameters, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false)).AsList();
            return await ClaimOnSqliteAsync(connection, transaction, pickedRows, parameters, now, cancellationToken).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
    }

    private const string ClaimSet = """
        state = 'running', lease_owner = @worker, lease_expires_at = @until, heartbeat_at = @now, attempts = attempts + 1,
        started_at = COALESCE(started_at, @now), updated_at = @now, event_seq = event_seq + 1
        """;

    private static async Task<IReadOnlyList<JobRow>> ClaimOnPostgresAsync(
        DbConnection connection, DbTransaction transaction, string picked, bool fairShare, DynamicParameters parameters, CancellationToken cancellationToken)
    {
        var rows = await connection.QueryAsync<JobRow>(new CommandDefinition(
            $"""
            WITH picked AS ({picked}),
            claimed AS (
                UPDATE jobs SET {ClaimSet}
                FROM picked WHERE jobs.id = picked.picked_id
                RETURNING {JobRow.Columns}, picked.previous_state),
            logged AS (
                INSERT INTO job_events (job_id, seq, type, from_state, to_state, message, data, created_at)
                SELECT id, eventseq, 'state', previous_state, 'running', @message, NULL, @now FROM claimed)
            {(fairShare ? TakeTurnsOnPostgres : "")}
            SELECT * FROM claimed
            """,
            parameters, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return rows.AsList();
    }

    /// <summary>A fair claim moves the organizations it served behind every other one, keeping their relative order, so turns rotate.</summary>
    private const string TakeTurnsOnPostgres = """
        , served AS (
            SELECT t.owner_org_id, ROW_NUMBER() OVER (ORDER BY t.last_turn, t.owner_org_id) AS position FROM job_org_turns t
            WHERE t.owner_org_id IN (SELECT p.picked_org_id FROM picked p JOIN claimed ON claimed.id = p.picked_id)),
        turned AS (
            UPDATE job_org_turns t SET last_turn = (SELECT MAX(last_turn) FROM job_org_turns) + served.position
            FROM served WHERE t.owner_org_id = served.owner_org_id)
        """;

    /// <summary>
    /// Round robin over the waiting organizations in turn order: each one's first job, then each one's second,
    /// until the batch is full. Moves the organizations served to the back, keeping their relative order.
    /// </summary>
    private static async Task<List<PickedRow>> PickInTurnsOnSqliteAsync(
        DbConnection connection, DbTransaction transaction, ClaimQueries queries, DynamicParameters parameters, int batch, CancellationToken cancellationToken)
    {
        var organizations = (await connection.QueryAsync<OrganizationTurn>(new CommandDefinition(
            queries.WaitingOrganizations, parameters, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false)).AsList();
        var queues = new List<List<PickedRow>>(organizations.Count);
        foreach (var organization in organizations)
        {
            parameters.Add("org", organization.OrgId);
            queues.Add((await connection.QueryAsync<PickedRow>(new CommandDefinition(
                queries.OrganizationNext, parameters, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false)).AsList());
        }
        var picked = new List<PickedRow>(batch);
        for (var rank = 0; picked.Count < batch && queues.Any(q => q.Count > rank); rank++)
            picked.AddRange(queues.Where(q => q.Count > rank).Select(q => q[rank]).Take(batch - picked.Count));
        foreach (var organization in organizations.Where(o => picked.Any(p => p.Picked_Org_Id == o.OrgId)))
            await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE job_org_turns SET last_turn = (SELECT MAX(last_turn) FROM job_org_turns) + 1 WHERE owner_org_id = @org",
                new { org = organization.OrgId }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return picked;
    }

    private static async Task<IReadOnlyList<JobRow>> ClaimOnSqliteAsync(
        DbConnection connection, DbTransaction transaction, List<PickedRow> picked, DynamicParameters parameters, DateTimeOffset now, CancellationToken cancellationToken)
    {
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

    private sealed class PickedRow
    {
        public Guid Picked_Id { get; set; }
        public string Previous_State { get; set; } = "";
        public Guid Picked_Org_Id { get; set; }
    }

    private sealed class OrganizationTurn
    {
        public Guid OrgId { get; set; }
        public long LastTurn { get; set; }
    }
}
