using Tessera.Data;

namespace Tessera.Jobs.Storage;

/// <summary>
/// The SELECTs a claim runs, for one dialect and one limits setting. Every query names the candidate job
/// <c>c</c>; its parameters are <c>@now</c>, <c>@kinds</c>, <c>@batch</c> (and <c>@orgMax</c>, <c>@limits</c> when limited,
/// <c>@only</c> when the claimer may take only the jobs listed).
/// </summary>
internal sealed class ClaimQueries(SqlDialect dialect, bool limited, bool onlyListed = false)
{
    private const string PriorityOrder = "c.priority DESC, c.run_at, c.id";

    /// <summary>
    /// An organization's claimable jobs, through the partial index that holds only those: SQLite's planner would
    /// otherwise take an index on (owner_org_id, kind) and walk every finished job of the organization.
    /// </summary>
    private string OrganizationJobs => dialect == SqlDialect.Sqlite ? "jobs c INDEXED BY ix_jobs_claim_org" : "jobs c";

    /// <summary>What makes job <c>c</c> claimable by this worker now.</summary>
    private string Claimable => $"""
        c.state IN ('queued', 'retrying') AND c.run_at <= @now AND {dialect.InList("c.kind", "kinds")}
        {(onlyListed ? "AND " + dialect.InList("c.id", "only") : "")}
        {(limited ? LimitsClause() : "")}
        """;

    /// <summary>Plain priority order across all organizations (fair share off).</summary>
    public string ByPriority => $"""
        SELECT c.id AS picked_id, c.state AS previous_state, c.owner_org_id AS picked_org_id FROM jobs c
        WHERE {Claimable}
        ORDER BY {PriorityOrder}
        LIMIT @batch
        """;

    /// <summary>
    /// The organizations with claimable jobs, least recently served first (at most one per job of the batch). On
    /// PostgreSQL a lateral probe in index order: with EXISTS, the planner scans the whole jobs table for the first match.
    /// </summary>
    public string WaitingOrganizations => dialect == SqlDialect.Postgres
        ? $"""
            SELECT t.owner_org_id AS OrgId, t.last_turn AS LastTurn FROM job_org_turns t
            CROSS JOIN LATERAL (SELECT 1 FROM jobs c WHERE c.owner_org_id = t.owner_org_id AND {Claimable} ORDER BY {PriorityOrder} LIMIT 1) w
            ORDER BY t.last_turn, t.owner_org_id
            LIMIT @batch
            """
        : $"""
            SELECT t.owner_org_id AS OrgId, t.last_turn AS LastTurn FROM job_org_turns t
            WHERE EXISTS (SELECT 1 FROM {OrganizationJobs} WHERE c.owner_org_id = t.owner_org_id AND {Claimable})
            ORDER BY t.last_turn, t.owner_org_id
            LIMIT @batch
            """;

    /// <summary>One organization's next jobs in priority order (parameter <c>@org</c>).</summary>
    public string OrganizationNext => $"""
        SELECT c.id AS picked_id, c.state AS previous_state, c.owner_org_id AS picked_org_id FROM {OrganizationJobs}
        WHERE c.owner_org_id = @org AND {Claimable}
        ORDER BY {PriorityOrder}
        LIMIT @batch
        """;

    /// <summary>
    /// PostgreSQL, fair share, locked: each waiting organization's first job in turn order, then each one's second,
    /// and so on. Claimers run it one at a time (advisory lock), so two never pick the same candidates; the state
    /// re-check guards against a cancel committed between the snapshot and the lock.
    /// </summary>
    public string FairLockedOnPostgres => $"""
        WITH orgs AS ({WaitingOrganizations}),
        candidates AS (
            SELECT p.id, p.turn_rank, o.LastTurn, o.OrgId FROM orgs o
            CROSS JOIN LATERAL (
                SELECT c.id, ROW_NUMBER() OVER (ORDER BY {PriorityOrder}) AS turn_rank FROM jobs c
                WHERE c.owner_org_id = o.OrgId AND {Claimable}
                ORDER BY {PriorityOrder}
                LIMIT @batch) p
            ORDER BY p.turn_rank, o.LastTurn, o.OrgId
            LIMIT @batch)
        SELECT j.id AS picked_id, j.state AS previous_state, j.owner_org_id AS picked_org_id FROM jobs j
        JOIN candidates ON j.id = candidates.id
        WHERE j.state IN ('queued', 'retrying')
        FOR UPDATE OF j SKIP LOCKED
        """;

    private string LimitsClause()
    {
        var jsonEach = dialect == SqlDialect.Postgres ? "json_each_text(CAST(@limits AS json))" : "json_each(@limits)";
        return $"""
            AND COALESCE((SELECT CAST(l.value AS integer) FROM {jsonEach} l WHERE l.key = c.kind), 2147483647)
                > (SELECT COUNT(*) FROM jobs r WHERE r.state = 'running' AND r.kind = c.kind)
            AND (@orgMax = 0 OR (SELECT COUNT(*) FROM jobs r WHERE r.state = 'running' AND r.owner_org_id = c.owner_org_id) < @orgMax)
            """;
    }
}
