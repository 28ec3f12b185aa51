using System.Data.Common;
using Dapper;
using Tessera.Data;
using Tessera.Guides.Exports;

namespace Tessera.Guides.Storage;

/// <summary>The SQL of exports. A caller's reads filter by organization and user in SQL.</summary>
internal static class ExportRows
{
    private const string Columns =
        "id AS Id, job_id AS JobId, org_id AS OrgId, user_id AS UserId, instruction_id AS InstructionId, instruction_version AS InstructionVersion, " +
        "format AS Format, identity AS Identity, blocks AS Blocks, status AS Status, engine_job_id AS EngineJobId, bundle_sha256 AS BundleSha256, bundle_bytes AS BundleBytes, " +
        "provenance AS Provenance, failure_code AS FailureCode, failure_message AS FailureMessage, created_at AS CreatedAt, updated_at AS UpdatedAt, " +
        "completed_at AS CompletedAt";

    /// <summary>Inserts the export unless its job has one with its identity already: true when this one was inserted.</summary>
    public static async Task<bool> TryInsertAsync(DbConnection c, DbTransaction t, GuideExport e, CancellationToken ct) =>
        await c.ExecuteAsync(new CommandDefinition(
            "INSERT INTO guides_exports (id, job_id, org_id, user_id, instruction_id, instruction_version, format, identity, blocks, status, engine_job_id, created_at, updated_at) " +
            "VALUES (@Id, @JobId, @OrgId, @UserId, @InstructionId, @InstructionVersion, @Format, @Identity, @Blocks, @Status, @EngineJobId, @CreatedAt, @UpdatedAt) " +
            "ON CONFLICT (job_id, identity) DO NOTHING", e, t, cancellationToken: ct)).ConfigureAwait(false) == 1;

    /// <summary>A FAILED (or abandoned) export requested again: REQUESTED, its failure cleared.</summary>
    public static Task RequeueAsync(DbConnection c, DbTransaction t, GuideExport e, CancellationToken ct) =>
        c.ExecuteAsync(new CommandDefinition(
            "UPDATE guides_exports SET status = @Status, failure_code = NULL, failure_message = NULL, updated_at = @UpdatedAt, completed_at = NULL WHERE id = @Id AND status <> 'SUCCEEDED'",
            e, t, cancellationToken: ct));

    public static Task SetEngineJobAsync(DbConnection c, DbTransaction t, Guid id, Guid engineJobId, CancellationToken ct) =>
        c.ExecuteAsync(new CommandDefinition("UPDATE guides_exports SET engine_job_id = @engineJobId WHERE id = @id", new { id, engineJobId }, t, cancellationToken: ct));

    /// <summary>The job's export with this identity (the caller owns the job: its row was read owner-filtered).</summary>
    public static Task<GuideExport?> FindByIdentityAsync(DbConnection c, DbTransaction? t, Guid jobId, string identity, CancellationToken ct) =>
        c.QuerySingleOrDefaultAsync<GuideExport>(new CommandDefinition(
            $"SELECT {Columns} FROM guides_exports WHERE job_id = @jobId AND identity = @identity", new { jobId, identity }, t, cancellationToken: ct));

    /// <summary>The caller's export, or null for a missing one and anyone else's alike.</summary>
    public static Task<GuideExport?> FindAsync(DbConnection c, Guid orgId, Guid userId, Guid id, CancellationToken ct) =>
        c.QuerySingleOrDefaultAsync<GuideExport>(new CommandDefinition(
            $"SELECT {Columns} FROM guides_exports WHERE id = @id AND org_id = @orgId AND user_id = @userId", new { id, orgId, userId }, cancellationToken: ct));

    /// <summary>For the worker and the signed download, which prove the owner otherwise (the job's owner, the URL's signature).</summary>
    public static Task<GuideExport?> FindByIdAsync(DbConnection c, DbTransaction? t, SqlDialect dialect, Guid id, CancellationToken ct) =>
        c.QuerySingleOrDefaultAsync<GuideExport>(new CommandDefinition(
            $"SELECT {Columns} FROM guides_exports WHERE id = @id" + (t is not null && dialect == SqlDialect.Postgres ? " FOR UPDATE" : ""), new { id }, t, cancellationToken: ct));

    /// <summary>REQUESTED → RUNNING; false when the export is no longer REQUESTED or RUNNING (another run finished it).</summary>
    public static async Task<bool> StartAsync(DbConnection c, Guid id, DateTimeOffset at, CancellationToken ct) =>
        await c.ExecuteAsync(new CommandDefinition(
            "UPDATE guides_exports SET status = 'RUNNING', updated_at = @at WHERE id = @id AND status IN ('REQUESTED', 'RUNNING')", new { id, at }, cancellationToken: ct))
            .ConfigureAwait(false) == 1;

    /// <summary>Records the outcome once: false when the export had ended already.</summary>
    public static async Task<bool> FinishAsync(DbConnection c, DbTransaction t, GuideExport e, CancellationToken ct) =>
        await c.ExecuteAsync(new CommandDefinition(
            "UPDATE guides_exports SET status = @Status, bundle_sha256 = @BundleSha256, bundle_bytes = @BundleBytes, provenance = @Provenance, " +
            "failure_code = @FailureCode, failure_message = @FailureMessage, updated_at = @UpdatedAt, completed_at = @CompletedAt " +
            "WHERE id = @Id AND status IN ('REQUESTED', 'RUNNING')", e, t, cancellationToken: ct)).ConfigureAwait(false) == 1;
}
