using System.Data.Common;
using Dapper;
using Tessera.Data;
using Tessera.Guides.Jobs;

namespace Tessera.Guides.Storage;

/// <summary>The SQL of projects and jobs. Every caller's query filters by organization and user in SQL; the worker reads by id.</summary>
internal static class GuideRows
{
    private const string ProjectColumns = "id AS Id, org_id AS OrgId, user_id AS UserId, name AS Name, created_at AS CreatedAt";

    private const string JobColumns =
        "id AS Id, project_id AS ProjectId, org_id AS OrgId, user_id AS UserId, status AS Status, video_uri AS VideoUri, video_sha256 AS VideoSha256, " +
        "engine_job_id AS EngineJobId, retry_of AS RetryOf, checkpoint AS Checkpoint, failure_code AS FailureCode, failure_message AS FailureMessage, " +
        "artifacts AS Artifacts, transcript AS Transcript, last_sequence AS LastSequence, created_at AS CreatedAt, updated_at AS UpdatedAt";

    public static Task InsertProjectAsync(DbConnection c, GuideProject p, CancellationToken ct) =>
        c.ExecuteAsync(new CommandDefinition(
            "INSERT INTO guides_projects (id, org_id, user_id, name, created_at) VALUES (@Id, @OrgId, @UserId, @Name, @CreatedAt)", p, cancellationToken: ct));

    public static Task<GuideProject?> FindProjectAsync(DbConnection c, DbTransaction? t, Guid orgId, Guid userId, Guid id, CancellationToken ct) =>
        c.QuerySingleOrDefaultAsync<GuideProject>(new CommandDefinition(
            $"SELECT {ProjectColumns} FROM guides_projects WHERE id = @id AND org_id = @orgId AND user_id = @userId", new { id, orgId, userId }, t, cancellationToken: ct));

    public static async Task<IReadOnlyList<GuideProject>> ListProjectsAsync(DbConnection c, Guid orgId, Guid userId, CancellationToken ct) =>
        (await c.QueryAsync<GuideProject>(new CommandDefinition(
            $"SELECT {ProjectColumns} FROM guides_projects WHERE org_id = @orgId AND user_id = @userId ORDER BY created_at DESC, id DESC",
            new { orgId, userId }, cancellationToken: ct)).ConfigureAwait(false)).ToList();

    public static Task InsertJobAsync(DbConnection c, DbTransaction? t, GuideJob j, CancellationToken ct) =>
        c.ExecuteAsync(new CommandDefinition(
            "INSERT INTO guides_jobs (id, project_id, org_id, user_id, status, video_uri, video_sha256, engine_job_id, retry_of, checkpoint, failure_code, " +
            "failure_message, artifacts, transcript, last_sequence, created_at, updated_at) VALUES (@Id, @ProjectId, @OrgId, @UserId, @Status, @VideoUri, " +
            "@VideoSha256, @EngineJobId, @RetryOf, @Checkpoint, @FailureCode, @FailureMessage, @Artifacts, @Transcript, @LastSequence, @CreatedAt, @UpdatedAt)",
            j, t, cancellationToken: ct));

    /// <summary>The caller's job, or null for a missing one and for anyone else's alike; locked until the transaction ends when one is given (PostgreSQL).</summary>
    public static Task<GuideJob?> FindJobAsync(DbConnection c, DbTransaction? t, SqlDialect dialect, Guid orgId, Guid userId, Guid id, CancellationToken ct) =>
        c.QuerySingleOrDefaultAsync<GuideJob>(new CommandDefinition(
            $"SELECT {JobColumns} FROM guides_jobs WHERE id = @id AND org_id = @orgId AND user_id = @userId" + Lock(t, dialect),
            new { id, orgId, userId }, t, cancellationToken: ct));

    /// <summary>For the worker and for callbacks, which carry no user: by id alone, locked when a transaction is given (PostgreSQL).</summary>
    public static Task<GuideJob?> FindJobByIdAsync(DbConnection c, DbTransaction? t, SqlDialect dialect, Guid id, CancellationToken ct) =>
        c.QuerySingleOrDefaultAsync<GuideJob>(new CommandDefinition($"SELECT {JobColumns} FROM guides_jobs WHERE id = @id" + Lock(t, dialect), new { id }, t, cancellationToken: ct));

    /// <summary>The job that retries <paramref name="failedId"/>, if one was made.</summary>
    public static Task<GuideJob?> FindRetryAsync(DbConnection c, DbTransaction t, Guid failedId, CancellationToken ct) =>
        c.QuerySingleOrDefaultAsync<GuideJob>(new CommandDefinition($"SELECT {JobColumns} FROM guides_jobs WHERE retry_of = @failedId", new { failedId }, t, cancellationToken: ct));

    /// <summary>Writes every mutable field of the job as given.</summary>
    public static Task UpdateJobAsync(DbConnection c, DbTransaction t, GuideJob j, CancellationToken ct) =>
        c.ExecuteAsync(new CommandDefinition(
            "UPDATE guides_jobs SET status = @Status, video_uri = @VideoUri, video_sha256 = @VideoSha256, engine_job_id = @EngineJobId, checkpoint = @Checkpoint, " +
            "failure_code = @FailureCode, failure_message = @FailureMessage, artifacts = @Artifacts, transcript = @Transcript, last_sequence = @LastSequence, " +
            "updated_at = @UpdatedAt WHERE id = @Id", j, t, cancellationToken: ct));

    public static async Task InsertTransitionAsync(DbConnection c, DbTransaction t, Guid jobId, string from, string to, string actor, string? reason, DateTimeOffset at, CancellationToken ct)
    {
        var seq = await c.ExecuteScalarAsync<int>(new CommandDefinition(
            "SELECT COALESCE(MAX(seq), 0) + 1 FROM guides_job_transitions WHERE job_id = @jobId", new { jobId }, t, cancellationToken: ct)).ConfigureAwait(false);
        await c.ExecuteAsync(new CommandDefinition(
            "INSERT INTO guides_job_transitions (job_id, seq, from_status, to_status, actor, reason, created_at) VALUES (@jobId, @seq, @from, @to, @actor, @reason, @at)",
            new { jobId, seq, from, to, actor, reason, at }, t, cancellationToken: ct)).ConfigureAwait(false);
    }

    public static async Task<IReadOnlyList<GuideJobTransition>> TransitionsAsync(DbConnection c, Guid jobId, CancellationToken ct) =>
        (await c.QueryAsync<GuideJobTransition>(new CommandDefinition(
            "SELECT job_id AS JobId, seq AS Seq, from_status AS FromStatus, to_status AS ToStatus, actor AS Actor, reason AS Reason, created_at AS CreatedAt " +
            "FROM guides_job_transitions WHERE job_id = @jobId ORDER BY seq", new { jobId }, cancellationToken: ct)).ConfigureAwait(false)).ToList();

    public static Task<CallbackEvent?> FindEventAsync(DbConnection c, DbTransaction t, Guid jobId, string eventId, CancellationToken ct) =>
        c.QuerySingleOrDefaultAsync<CallbackEvent>(new CommandDefinition(
            "SELECT job_id AS JobId, event_id AS EventId, payload_sha256 AS PayloadSha256, sequence AS Sequence, status AS Status, created_at AS CreatedAt " +
            "FROM guides_callback_events WHERE job_id = @jobId AND event_id = @eventId", new { jobId, eventId }, t, cancellationToken: ct));

    public static Task InsertEventAsync(DbConnection c, DbTransaction t, CallbackEvent e, CancellationToken ct) =>
        c.ExecuteAsync(new CommandDefinition(
            "INSERT INTO guides_callback_events (job_id, event_id, payload_sha256, sequence, status, created_at) VALUES (@JobId, @EventId, @PayloadSha256, @Sequence, @Status, @CreatedAt)",
            e, t, cancellationToken: ct));

    /// <summary>Records a blob the job's processing stored, once.</summary>
    public static Task InsertBlobAsync(DbConnection c, DbTransaction t, Guid jobId, string kind, string sha256, CancellationToken ct) =>
        c.ExecuteAsync(new CommandDefinition(
            "INSERT INTO guides_job_blobs (job_id, kind, blob_sha256) VALUES (@jobId, @kind, @sha256) ON CONFLICT DO NOTHING", new { jobId, kind, sha256 }, t, cancellationToken: ct));

    /// <summary>Records that the caller uploaded the blob (once).</summary>
    public static Task InsertUploadAsync(DbConnection c, Guid orgId, Guid userId, string sha256, long size, DateTimeOffset at, CancellationToken ct) =>
        c.ExecuteAsync(new CommandDefinition(
            "INSERT INTO guides_uploads (org_id, user_id, blob_sha256, size_bytes, created_at) VALUES (@orgId, @userId, @sha256, @size, @at) ON CONFLICT DO NOTHING",
            new { orgId, userId, sha256, size, at }, cancellationToken: ct));

    public static async Task<bool> UploadedAsync(DbConnection c, Guid orgId, Guid userId, string sha256, CancellationToken ct) =>
        await c.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM guides_uploads WHERE org_id = @orgId AND user_id = @userId AND blob_sha256 = @sha256", new { orgId, userId, sha256 }, cancellationToken: ct))
            .ConfigureAwait(false) > 0;

    private static string Lock(DbTransaction? t, SqlDialect dialect) => t is not null && dialect == SqlDialect.Postgres ? " FOR UPDATE" : "";
}
