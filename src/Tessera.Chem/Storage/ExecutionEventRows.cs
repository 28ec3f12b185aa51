using System.Data.Common;
using Dapper;
using Tessera.Chem.Executions;

namespace Tessera.Chem.Storage;

/// <summary>The SQL of execution events and tool logs. A caller's reads filter by organization in SQL.</summary>
internal static class ExecutionEventRows
{
    /// <summary>
    /// Appends one event numbered after the execution's last. Concurrent appends on PostgreSQL can compute the same
    /// number; the second then fails on the key (<see cref="ExecutionJournal"/> numbers it again).
    /// </summary>
    public static Task AppendAsync(DbConnection c, DbTransaction? t, ExecutionEvent e, CancellationToken ct) =>
        c.ExecuteAsync(new CommandDefinition(
            "INSERT INTO chem_execution_events (execution_id, seq, org_id, type, message, data, created_at) " +
            "SELECT @ExecutionId, COALESCE(MAX(seq), 0) + 1, @OrgId, @Type, @Message, @Data, @CreatedAt FROM chem_execution_events WHERE execution_id = @ExecutionId",
            e, t, cancellationToken: ct));

    public static async Task<IReadOnlyList<ExecutionEvent>> ListAsync(DbConnection c, Guid orgId, Guid executionId, CancellationToken ct) =>
        (await c.QueryAsync<ExecutionEvent>(new CommandDefinition(
            "SELECT execution_id AS ExecutionId, seq AS Seq, org_id AS OrgId, type AS Type, message AS Message, data AS Data, created_at AS CreatedAt " +
            "FROM chem_execution_events WHERE execution_id = @executionId AND org_id = @orgId ORDER BY seq",
            new { orgId, executionId }, cancellationToken: ct)).ConfigureAwait(false)).ToList();

    public static Task InsertLogAsync(DbConnection c, ExecutionLog log, CancellationToken ct) =>
        c.ExecuteAsync(new CommandDefinition(
            "INSERT INTO chem_execution_logs (id, execution_id, org_id, step, tool, stream, blob_sha256, size_bytes, created_at) " +
            "VALUES (@Id, @ExecutionId, @OrgId, @Step, @Tool, @Stream, @BlobSha256, @SizeBytes, @CreatedAt)", log, cancellationToken: ct));

    public static async Task<IReadOnlyList<ExecutionLog>> ListLogsAsync(DbConnection c, Guid orgId, Guid executionId, CancellationToken ct) =>
        (await c.QueryAsync<ExecutionLog>(new CommandDefinition(
            "SELECT id AS Id, execution_id AS ExecutionId, org_id AS OrgId, step AS Step, tool AS Tool, stream AS Stream, blob_sha256 AS BlobSha256, " +
            "size_bytes AS SizeBytes, created_at AS CreatedAt FROM chem_execution_logs WHERE execution_id = @executionId AND org_id = @orgId ORDER BY created_at, id",
            new { orgId, executionId }, cancellationToken: ct)).ConfigureAwait(false)).ToList();
}
