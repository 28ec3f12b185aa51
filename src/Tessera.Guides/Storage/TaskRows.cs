using System.Data.Common;
using Dapper;
using Tessera.Data;
using Tessera.Guides.Regeneration;

namespace Tessera.Guides.Storage;

/// <summary>The SQL of regenerate tasks. A caller's reads filter by organization and user in SQL.</summary>
internal static class TaskRows
{
    private const string Columns =
        "id AS Id, instruction_id AS InstructionId, job_id AS JobId, org_id AS OrgId, user_id AS UserId, client_request_id AS ClientRequestId, " +
        "request_hash AS RequestHash, base_version AS BaseVersion, block_ids AS BlockIds, status AS Status, engine_job_id AS EngineJobId, " +
        "result_version AS ResultVersion, provenance AS Provenance, failure_code AS FailureCode, failure_message AS FailureMessage, " +
        "created_at AS CreatedAt, updated_at AS UpdatedAt, completed_at AS CompletedAt";

    /// <summary>Inserts the task unless the instruction has one with its client request id already: true when this one was inserted.</summary>
    public static async Task<bool> TryInsertAsync(DbConnection c, DbTransaction t, RegenerateTask task, CancellationToken ct) =>
        await c.ExecuteAsync(new CommandDefinition(
            "INSERT INTO guides_tasks (id, instruction_id, job_id, org_id, user_id, client_request_id, request_hash, base_version, block_ids, status, created_at, updated_at) " +
            "VALUES (@Id, @InstructionId, @JobId, @OrgId, @UserId, @ClientRequestId, @RequestHash, @BaseVersion, @BlockIds, @Status, @CreatedAt, @UpdatedAt) " +
            "ON CONFLICT (instruction_id, client_request_id) DO NOTHING", task, t, cancellationToken: ct)).ConfigureAwait(false) == 1;

    public static Task SetEngineJobAsync(DbConnection c, DbTransaction t, Guid id, Guid engineJobId, CancellationToken ct) =>
        c.ExecuteAsync(new CommandDefinition("UPDATE guides_tasks SET engine_job_id = @engineJobId WHERE id = @id", new { id, engineJobId }, t, cancellationToken: ct));

    /// <summary>The instruction's task with this client request id (the caller owns the instruction: its row was read owner-filtered).</summary>
    public static Task<RegenerateTask?> FindByClientRequestAsync(DbConnection c, DbTransaction? t, Guid instructionId, string clientRequestId, CancellationToken ct) =>
        c.QuerySingleOrDefaultAsync<RegenerateTask>(new CommandDefinition(
            $"SELECT {Columns} FROM guides_tasks WHERE instruction_id = @instructionId AND client_request_id = @clientRequestId",
            new { instructionId, clientRequestId }, t, cancellationToken: ct));

    /// <summary>The caller's task, or null for a missing one and anyone else's alike.</summary>
    public static Task<RegenerateTask?> FindAsync(DbConnection c, Guid orgId, Guid userId, Guid id, CancellationToken ct) =>
        c.QuerySingleOrDefaultAsync<RegenerateTask>(new CommandDefinition(
            $"SELECT {Columns} FROM guides_tasks WHERE id = @id AND org_id = @orgId AND user_id = @userId", new { id, orgId, userId }, cancellationToken: ct));

    /// <summary>For the worker, which proves the owner through its job's.</summary>
    public static Task<RegenerateTask?> FindByIdAsync(DbConnection c, DbTransaction? t, SqlDialect dialect, Guid id, CancellationToken ct) =>
        c.QuerySingleOrDefaultAsync<RegenerateTask>(new CommandDefinition(
            $"SELECT {Columns} FROM guides_tasks WHERE id = @id" + (t is not null && dialect == SqlDialect.Postgres ? " FOR UPDATE" : ""), new { id }, t, cancellationToken: ct));

    /// <summary>QUEUED → RUNNING; false when the task is no longer QUEUED or RUNNING (another run finished it).</summary>
    public static async Task<bool> StartAsync(DbConnection c, Guid id, DateTimeOffset at, CancellationToken ct) =>
        await c.ExecuteAsync(new CommandDefinition(
            "UPDATE guides_tasks SET status = 'RUNNING', updated_at = @at WHERE id = @id AND status IN ('QUEUED', 'RUNNING')", new { id, at }, cancellationToken: ct))
            .ConfigureAwait(false) == 1;

    /// <summary>Records the outcome once: false when the task had ended already.</summary>
    public static async Task<bool> FinishAsync(DbConnection c, DbTransaction? t, RegenerateTask task, CancellationToken ct) =>
        await c.ExecuteAsync(new CommandDefinition(
            "UPDATE guides_tasks SET status = @Status, result_version = @ResultVersion, provenance = @Provenance, failure_code = @FailureCode, " +
            "failure_message = @FailureMessage, updated_at = @UpdatedAt, completed_at = @CompletedAt WHERE id = @Id AND status IN ('QUEUED', 'RUNNING')",
            task, t, cancellationToken: ct)).ConfigureAwait(false) == 1;
}
