using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Tessera.Core.Blobs;
using Tessera.Core.Errors;
using Tessera.Core.Identity;
using Tessera.Data;
using Tessera.Guides.Processing;
using Tessera.Guides.Storage;
using Tessera.Jobs;

namespace Tessera.Guides.Jobs;

/// <summary>
/// Projects and the caller-facing side of guide jobs: create, read, confirm the upload, run, cancel, retry, transcript.
/// Each state-changing call locks the job's row in one transaction, so replays and races see one effect: a second
/// confirm with the same video is a no-op, a second run dispatches nothing, a second retry returns the first retry.
/// Someone else's project or job is missing (404 <c>RESOURCE_NOT_FOUND</c>), exactly like one that does not exist.
/// </summary>
internal sealed partial class GuideJobService(TesseraDatabase database, JobService jobs, IBlobStore blobs, TimeProvider time)
{
    public const int MaxNameLength = 200;

    /// <summary>What the upload route answers for a stored video, and confirm-upload takes.</summary>
    public static string VideoUri(string sha256) => "tessera-blob:sha256:" + sha256;

    /// <summary>Stores a video for the caller; the answer's URI confirms a job's upload (theirs alone).</summary>
    public async Task<BlobRef> UploadAsync(Principal caller, Stream video, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        caller.Require(Permissions.RunsWrite);
        var blob = await blobs.PutAsync(video, cancellationToken).ConfigureAwait(false);
        if (blob.Size == 0) throw new TesseraException(GuidesErrorCodes.UploadFormInvalid, 400, "The body is empty: send the video's bytes as the request body.");
        await using var c = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await GuideRows.InsertUploadAsync(c, caller.OrgId, caller.UserId, blob.Sha256, blob.Size, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        return blob;
    }

    public async Task<GuideProject> CreateProjectAsync(Principal caller, string? name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        caller.Require(Permissions.RunsWrite);
        name = name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > MaxNameLength || name.Any(char.IsControl))
            throw TesseraException.Validation($"A project needs a name of 1 to {MaxNameLength} characters, none of them control characters.");
        var project = new GuideProject { Id = Guid.CreateVersion7(time.GetUtcNow()), OrgId = caller.OrgId, UserId = caller.UserId, Name = name, CreatedAt = time.GetUtcNow() };
        await using var c = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await GuideRows.InsertProjectAsync(c, project, cancellationToken).ConfigureAwait(false);
        return project;
    }

    public async Task<IReadOnlyList<GuideProject>> ListProjectsAsync(Principal caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        caller.Require(Permissions.RunsRead);
        await using var c = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await GuideRows.ListProjectsAsync(c, caller.OrgId, caller.UserId, cancellationToken).ConfigureAwait(false);
    }

    public async Task<GuideProject> GetProjectAsync(Principal caller, Guid id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        caller.Require(Permissions.RunsRead);
        await using var c = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await GuideRows.FindProjectAsync(c, null, caller.OrgId, caller.UserId, id, cancellationToken).ConfigureAwait(false) ?? throw TesseraException.NotFound();
    }

    public async Task<GuideJob> CreateJobAsync(Principal caller, Guid projectId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        caller.Require(Permissions.RunsWrite);
        var now = time.GetUtcNow();
        return await database.InTransactionAsync(async (c, t) =>
        {
            _ = await GuideRows.FindProjectAsync(c, t, caller.OrgId, caller.UserId, projectId, cancellationToken).ConfigureAwait(false) ?? throw TesseraException.NotFound();
            var job = new GuideJob { Id = Guid.CreateVersion7(now), ProjectId = projectId, OrgId = caller.OrgId, UserId = caller.UserId, CreatedAt = now, UpdatedAt = now };
            await GuideRows.InsertJobAsync(c, t, job, cancellationToken).ConfigureAwait(false);
            return job;
        }, cancellationToken).ConfigureAwait(false);
    }

    public async Task<GuideJob> GetJobAsync(Principal caller, Guid id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        caller.Require(Permissions.RunsRead);
        await using var c = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await GuideRows.FindJobAsync(c, null, database.Dialect, caller.OrgId, caller.UserId, id, cancellationToken).ConfigureAwait(false) ?? throw TesseraException.NotFound();
    }

    /// <summary>
    /// CREATED → UPLOADED with the video (a <c>tessera-blob:sha256:…</c> URI the caller's own upload answered). The same URI again
    /// is a no-op that answers the job; another URI once uploaded is a 409 <c>VIDEO_URI_CONFLICT</c>.
    /// </summary>
    public async Task<GuideJob> ConfirmUploadAsync(Principal caller, Guid id, string? videoUri, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        caller.Require(Permissions.RunsWrite);
        var sha256 = ParseVideoUri(videoUri);
        bool uploaded;
        await using (var c = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
            uploaded = await GuideRows.UploadedAsync(c, caller.OrgId, caller.UserId, sha256, cancellationToken).ConfigureAwait(false);
        // Someone else's upload is missing here, exactly like none: a hash is no key to another's video.
        if (!uploaded || !await blobs.ExistsAsync(sha256, cancellationToken).ConfigureAwait(false))
            throw new TesseraException(GuidesErrorCodes.VideoNotFound, 422, $"No uploaded video is stored as {videoUri}; upload it with POST /api/v1/guides/uploads first.");
        var now = time.GetUtcNow();
        return await database.InTransactionAsync(async (c, t) =>
        {
            var job = await LockAsync(c, t, caller, id, cancellationToken).ConfigureAwait(false);
            if (job.VideoUri is not null)
            {
                if (string.Equals(job.VideoUri, videoUri, StringComparison.Ordinal)) return job;
                throw new TesseraException(GuidesErrorCodes.VideoUriConflict, 409, $"The job's upload was confirmed with another video ({job.VideoUri}); create a new job for this one.");
            }
            return await JobAdvance.ToAsync(c, t, job, job with { Status = GuideJobStatus.Uploaded, VideoUri = videoUri, VideoSha256 = sha256 },
                JobAdvance.ActorApi, "upload confirmed", now, cancellationToken).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// UPLOADED → QUEUED and the job engine's processing job, in one transaction: (job, true). A job already dispatched
    /// and still open answers (job, false) and dispatches nothing; an ended one is a 409 <c>INVALID_TRANSITION</c>.
    /// </summary>
    public async Task<(GuideJob Job, bool Dispatched)> RunAsync(Principal caller, Guid id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        caller.Require(Permissions.RunsWrite);
        var now = time.GetUtcNow();
        var outcome = await database.InTransactionAsync(async (c, t) =>
        {
            var job = await LockAsync(c, t, caller, id, cancellationToken).ConfigureAwait(false);
            // A replay of a run answers the job as it is; once it ended (cancelled, failed, done) a run is refused.
            if (job.EngineJobId is not null && !GuideJobStatus.IsTerminal(job.Status)) return (job, false);
            GuideJobStatus.Ensure(job.Status, GuideJobStatus.Queued);
            var engine = await DispatchAsync(c, t, caller, job, cancellationToken).ConfigureAwait(false);
            return (await JobAdvance.ToAsync(c, t, job, job with { Status = GuideJobStatus.Queued, EngineJobId = engine }, JobAdvance.ActorApi, "run", now, cancellationToken)
                .ConfigureAwait(false), true);
        }, cancellationToken).ConfigureAwait(false);
        if (outcome.Item2) jobs.WakeWorkers();
        return outcome;
    }

    /// <summary>Any open status → CANCELLED, and its processing job is cancelled; cancelling a cancelled job again answers it.</summary>
    public async Task<GuideJob> CancelAsync(Principal caller, Guid id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        caller.Require(Permissions.RunsWrite);
        var now = time.GetUtcNow();
        var (job, cancelled) = await database.InTransactionAsync(async (c, t) =>
        {
            var job = await LockAsync(c, t, caller, id, cancellationToken).ConfigureAwait(false);
            if (job.Status == GuideJobStatus.Cancelled) return (job, false);
            return (await JobAdvance.ToAsync(c, t, job, job with { Status = GuideJobStatus.Cancelled }, JobAdvance.ActorApi, "cancelled by its owner", now, cancellationToken)
                .ConfigureAwait(false), true);
        }, cancellationToken).ConfigureAwait(false);
        if (cancelled && job.EngineJobId is { } engine)
        {
            try
            {
                await jobs.CancelAsync(JobScope.Operator, engine, cancellationToken).ConfigureAwait(false);
            }
            catch (TesseraException e) when (e.Status == 409)
            {
                // The processing job ended meanwhile; the guide job is cancelled either way.
            }
        }
        return job;
    }

    /// <summary>
    /// A FAILED job (which stays as it is: terminal) is retried by a new job that starts QUEUED after the failed one's
    /// checkpoint, with the stored output up to it: (new job, true). Retrying it again answers that job: (job, false).
    /// </summary>
    public async Task<(GuideJob Job, bool Created)> RetryAsync(Principal caller, Guid id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        caller.Require(Permissions.RunsWrite);
        var now = time.GetUtcNow();
        var outcome = await database.InTransactionAsync(async (c, t) =>
        {
            var failed = await LockAsync(c, t, caller, id, cancellationToken).ConfigureAwait(false);
            if (failed.Status != GuideJobStatus.Failed)
                throw new TesseraException(GuidesErrorCodes.RetryNotAllowed, 409, $"Only a FAILED job can be retried; this one is {failed.Status}.");
            if (await GuideRows.FindRetryAsync(c, t, failed.Id, cancellationToken).ConfigureAwait(false) is { } earlier) return (earlier, false);
            var retry = new GuideJob
            {
                Id = Guid.CreateVersion7(now), ProjectId = failed.ProjectId, OrgId = failed.OrgId, UserId = failed.UserId, Status = GuideJobStatus.Uploaded,
                VideoUri = failed.VideoUri, VideoSha256 = failed.VideoSha256, RetryOf = failed.Id, Checkpoint = failed.Checkpoint, Artifacts = failed.Artifacts,
                Transcript = failed.Transcript, CreatedAt = now, UpdatedAt = now,
            };
            await GuideRows.InsertJobAsync(c, t, retry, cancellationToken).ConfigureAwait(false);
            await GuideRows.InsertTransitionAsync(c, t, retry.Id, GuideJobStatus.Created, GuideJobStatus.Uploaded, JobAdvance.ActorApi, $"retry of {failed.Id}", now, cancellationToken)
                .ConfigureAwait(false);
            var engine = await DispatchAsync(c, t, caller, retry, cancellationToken).ConfigureAwait(false);
            var reason = failed.Checkpoint is null ? $"retry of {failed.Id}" : $"retry of {failed.Id}, resuming after {failed.Checkpoint}";
            return (await JobAdvance.ToAsync(c, t, retry, retry with { Status = GuideJobStatus.Queued, EngineJobId = engine }, JobAdvance.ActorApi, reason, now, cancellationToken)
                .ConfigureAwait(false), true);
        }, cancellationToken).ConfigureAwait(false);
        if (outcome.Item2) jobs.WakeWorkers();
        return outcome;
    }

    /// <summary>The transcript a page at a time; a job not yet transcribed is a 409 <c>TRANSCRIPT_NOT_READY</c>.</summary>
    public async Task<(GuideJob Job, Transcript Transcript)> TranscriptAsync(Principal caller, Guid id, CancellationToken cancellationToken)
    {
        var job = await GetJobAsync(caller, id, cancellationToken).ConfigureAwait(false);
        if (job.Transcript is null)
            throw new TesseraException(GuidesErrorCodes.TranscriptNotReady, 409, $"The job is {job.Status}: it has no transcript yet.") { Extensions = { ["job_status"] = job.Status } };
        return (job, Transcript.Parse(job.Transcript));
    }

    public async Task<IReadOnlyList<GuideJobTransition>> TransitionsAsync(Principal caller, Guid id, CancellationToken cancellationToken)
    {
        _ = await GetJobAsync(caller, id, cancellationToken).ConfigureAwait(false);
        await using var c = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await GuideRows.TransitionsAsync(c, id, cancellationToken).ConfigureAwait(false);
    }

    private async Task<GuideJob> LockAsync(System.Data.Common.DbConnection c, System.Data.Common.DbTransaction t, Principal caller, Guid id, CancellationToken cancellationToken) =>
        await GuideRows.FindJobAsync(c, t, database.Dialect, caller.OrgId, caller.UserId, id, cancellationToken).ConfigureAwait(false) ?? throw TesseraException.NotFound();

    private async Task<Guid> DispatchAsync(System.Data.Common.DbConnection c, System.Data.Common.DbTransaction t, Principal caller, GuideJob job, CancellationToken cancellationToken)
    {
        var request = new JobRequest(ProcessJobHandler.JobKind, new JsonObject { ["guide_job_id"] = job.Id.ToString() })
        {
            IdempotencyKey = "guides.process:" + job.Id, MaxAttempts = ProcessJobHandler.MaxAttempts,
        };
        return (await jobs.EnqueueAsync(JobOwner.Of(caller), request, c, t, cancellationToken).ConfigureAwait(false)).Job.Id;
    }

    private static string ParseVideoUri(string? videoUri)
    {
        var match = videoUri is null ? null : VideoUriPattern().Match(videoUri);
        if (match is null || !match.Success)
            throw TesseraException.Validation("video_uri must be the tessera-blob:sha256:<64 hex digits> URI the upload route (POST /api/v1/guides/uploads) answered.");
        return match.Groups[1].Value;
    }

    [GeneratedRegex(@"^tessera-blob:sha256:([0-9a-f]{64})\z")]
    private static partial Regex VideoUriPattern();
}
