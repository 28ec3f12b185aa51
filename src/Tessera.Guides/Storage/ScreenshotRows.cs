using System.Data.Common;
using Dapper;
using Tessera.Data;
using Tessera.Guides.Screenshots;

namespace Tessera.Guides.Storage;

/// <summary>The SQL of screenshot tasks and uploads. A caller's reads filter by organization and user in SQL.</summary>
internal static class ScreenshotRows
{
    private const string TaskColumns =
        "id AS Id, job_id AS JobId, org_id AS OrgId, user_id AS UserId, extraction_key AS ExtractionKey, timestamps_ms AS TimestampsMs, status AS Status, " +
        "engine_job_id AS EngineJobId, failure_code AS FailureCode, failure_message AS FailureMessage, created_at AS CreatedAt, updated_at AS UpdatedAt, " +
        "completed_at AS CompletedAt";

    private const string UploadColumns =
        "id AS Id, job_id AS JobId, org_id AS OrgId, user_id AS UserId, sha256 AS Sha256, size_bytes AS SizeBytes, asset_id AS AssetId, " +
        "created_at AS CreatedAt, confirmed_at AS ConfirmedAt";

    /// <summary>Inserts the task unless its job has one with its extraction key already: true when this one was inserted.</summary>
    public static async Task<bool> TryInsertTaskAsync(DbConnection c, DbTransaction t, ScreenshotTask s, CancellationToken ct) =>
        await c.ExecuteAsync(new CommandDefinition(
            "INSERT INTO guides_screenshot_tasks (id, job_id, org_id, user_id, extraction_key, timestamps_ms, status, created_at, updated_at) " +
            "VALUES (@Id, @JobId, @OrgId, @UserId, @ExtractionKey, @TimestampsMs, @Status, @CreatedAt, @UpdatedAt) ON CONFLICT (job_id, extraction_key) DO NOTHING",
            s, t, cancellationToken: ct)).ConfigureAwait(false) == 1;

    /// <summary>The job's task with this key (the caller owns the job: its row was read owner-filtered).</summary>
    public static Task<ScreenshotTask?> FindTaskByKeyAsync(DbConnection c, DbTransaction t, Guid jobId, string key, CancellationToken ct) =>
        c.QuerySingleOrDefaultAsync<ScreenshotTask>(new CommandDefinition(
            $"SELECT {TaskColumns} FROM guides_screenshot_tasks WHERE job_id = @jobId AND extraction_key = @key", new { jobId, key }, t, cancellationToken: ct));

    /// <summary>The caller's task, or null for a missing one and anyone else's alike.</summary>
    public static Task<ScreenshotTask?> FindTaskAsync(DbConnection c, Guid orgId, Guid userId, Guid id, CancellationToken ct) =>
        c.QuerySingleOrDefaultAsync<ScreenshotTask>(new CommandDefinition(
            $"SELECT {TaskColumns} FROM guides_screenshot_tasks WHERE id = @id AND org_id = @orgId AND user_id = @userId", new { id, orgId, userId }, cancellationToken: ct));

    /// <summary>For the worker, which proves the owner otherwise (the engine job's owner).</summary>
    public static Task<ScreenshotTask?> FindTaskByIdAsync(DbConnection c, Guid id, CancellationToken ct) =>
        c.QuerySingleOrDefaultAsync<ScreenshotTask>(new CommandDefinition($"SELECT {TaskColumns} FROM guides_screenshot_tasks WHERE id = @id", new { id }, cancellationToken: ct));

    /// <summary>A FAILED (or abandoned) task requested again: QUEUED, its failure cleared.</summary>
    public static Task RequeueAsync(DbConnection c, DbTransaction t, ScreenshotTask s, CancellationToken ct) =>
        c.ExecuteAsync(new CommandDefinition(
            "UPDATE guides_screenshot_tasks SET status = @Status, failure_code = NULL, failure_message = NULL, updated_at = @UpdatedAt, completed_at = NULL " +
            "WHERE id = @Id AND status <> 'SUCCEEDED'", s, t, cancellationToken: ct));

    public static Task SetEngineJobAsync(DbConnection c, DbTransaction t, Guid id, Guid engineJobId, CancellationToken ct) =>
        c.ExecuteAsync(new CommandDefinition("UPDATE guides_screenshot_tasks SET engine_job_id = @engineJobId WHERE id = @id", new { id, engineJobId }, t, cancellationToken: ct));

    /// <summary>QUEUED → RUNNING; false when the task is no longer open (another run ended it).</summary>
    public static async Task<bool> StartAsync(DbConnection c, Guid id, DateTimeOffset at, CancellationToken ct) =>
        await c.ExecuteAsync(new CommandDefinition(
            "UPDATE guides_screenshot_tasks SET status = 'RUNNING', updated_at = @at WHERE id = @id AND status IN ('QUEUED', 'RUNNING')", new { id, at }, cancellationToken: ct))
            .ConfigureAwait(false) == 1;

    /// <summary>Records the outcome once: false when the task had ended already.</summary>
    public static async Task<bool> FinishAsync(DbConnection c, DbTransaction? t, ScreenshotTask s, CancellationToken ct) =>
        await c.ExecuteAsync(new CommandDefinition(
            "UPDATE guides_screenshot_tasks SET status = @Status, failure_code = @FailureCode, failure_message = @FailureMessage, updated_at = @UpdatedAt, " +
            "completed_at = @CompletedAt WHERE id = @Id AND status IN ('QUEUED', 'RUNNING')", s, t, cancellationToken: ct)).ConfigureAwait(false) == 1;

    public static Task InsertShotAsync(DbConnection c, DbTransaction t, Guid taskId, long timestampMs, Guid assetId, CancellationToken ct) =>
        c.ExecuteAsync(new CommandDefinition(
            "INSERT INTO guides_screenshot_shots (task_id, timestamp_ms, asset_id) VALUES (@taskId, @timestampMs, @assetId) ON CONFLICT DO NOTHING",
            new { taskId, timestampMs, assetId }, t, cancellationToken: ct));

    /// <summary>The task's frames by time (the caller owns the task).</summary>
    public static async Task<IReadOnlyList<ScreenshotShot>> ShotsAsync(DbConnection c, Guid taskId, CancellationToken ct) =>
        (await c.QueryAsync<ScreenshotShot>(new CommandDefinition(
            "SELECT timestamp_ms AS TimestampMs, asset_id AS AssetId FROM guides_screenshot_shots WHERE task_id = @taskId ORDER BY timestamp_ms",
            new { taskId }, cancellationToken: ct)).ConfigureAwait(false)).ToList();

    /// <summary>Inserts the upload unless the job has one of these bytes already: true when this one was inserted.</summary>
    public static async Task<bool> TryInsertUploadAsync(DbConnection c, ScreenshotUpload u, CancellationToken ct) =>
        await c.ExecuteAsync(new CommandDefinition(
            "INSERT INTO guides_screenshot_uploads (id, job_id, org_id, user_id, sha256, size_bytes, created_at) " +
            "VALUES (@Id, @JobId, @OrgId, @UserId, @Sha256, @SizeBytes, @CreatedAt) ON CONFLICT (job_id, sha256) DO NOTHING", u, cancellationToken: ct)).ConfigureAwait(false) == 1;

    public static Task<ScreenshotUpload?> FindUploadByBytesAsync(DbConnection c, Guid jobId, string sha256, CancellationToken ct) =>
        c.QuerySingleOrDefaultAsync<ScreenshotUpload>(new CommandDefinition(
            $"SELECT {UploadColumns} FROM guides_screenshot_uploads WHERE job_id = @jobId AND sha256 = @sha256", new { jobId, sha256 }, cancellationToken: ct));

    /// <summary>
    /// The caller's upload for that job, or null for a missing one, anyone else's and another job's alike; locked until
    /// the transaction ends when one is given (PostgreSQL).
    /// </summary>
    public static Task<ScreenshotUpload?> FindUploadAsync(DbConnection c, DbTransaction? t, SqlDialect dialect, Guid orgId, Guid userId, Guid jobId, Guid id, CancellationToken ct) =>
        c.QuerySingleOrDefaultAsync<ScreenshotUpload>(new CommandDefinition(
            $"SELECT {UploadColumns} FROM guides_screenshot_uploads WHERE id = @id AND job_id = @jobId AND org_id = @orgId AND user_id = @userId" +
            (t is not null && dialect == SqlDialect.Postgres ? " FOR UPDATE" : ""), new { id, jobId, orgId, userId }, t, cancellationToken: ct));

    /// <summary>Records the confirmed upload's asset once: an upload confirmed already keeps its first.</summary>
    public static Task ConfirmUploadAsync(DbConnection c, DbTransaction t, Guid id, Guid assetId, DateTimeOffset at, CancellationToken ct) =>
        c.ExecuteAsync(new CommandDefinition(
            "UPDATE guides_screenshot_uploads SET asset_id = @assetId, confirmed_at = @at WHERE id = @id AND asset_id IS NULL", new { id, assetId, at }, t, cancellationToken: ct));
}
