using System.Data.Common;
using System.Text.Json;
using System.Text.Json.Nodes;
using Tessera.Core.Errors;
using Tessera.Core.Identity;
using Tessera.Data;
using Tessera.Guides.Anchors;
using Tessera.Guides.Jobs;
using Tessera.Guides.Storage;
using Tessera.Jobs;

namespace Tessera.Guides.Screenshots;

/// <summary>
/// Requesting and reading screenshot tasks: frames taken from a job's video at chosen times. A request's key
/// (<see cref="Extraction"/>: the job and its sorted times) decides whether it is new (202, queued as a
/// <c>guides.screenshots</c> job) or a replay (200, the task as it stands: 20 racing identical requests make one task
/// and one engine job). A FAILED task requested again is queued again, and so is one whose engine job ended without
/// ending it; reading such an abandoned task records it FAILED, so a poller never waits on it for good.
/// </summary>
internal sealed class ScreenshotService(TesseraDatabase database, JobService jobs, TimeProvider time)
{
    public const string JobKind = "guides.screenshots";
    public const int MaxAttempts = 3;

    public async Task<(ScreenshotTask Task, bool Queued)> RequestAsync(Principal caller, Guid jobId, IReadOnlyList<long>? timestampsMs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        caller.Require(Permissions.RunsWrite);
        var now = time.GetUtcNow();
        var outcome = await database.InTransactionAsync(async (c, t) =>
        {
            var job = await GuideRows.FindJobAsync(c, t, database.Dialect, caller.OrgId, caller.UserId, jobId, cancellationToken).ConfigureAwait(false) ?? throw TesseraException.NotFound();
            // A replay is answered before the job's state is checked: a job that failed or was cancelled since keeps its screenshots.
            if (await ScreenshotRows.FindTaskByKeyAsync(c, t, jobId, Extraction.Parse(jobId, timestampsMs, null).Key, cancellationToken).ConfigureAwait(false) is { } earlier
                && await AnswersReplayAsync(earlier, cancellationToken).ConfigureAwait(false))
                return (earlier, false);
            var extraction = Extraction.Parse(jobId, timestampsMs, DurationOf(job));
            var task = new ScreenshotTask
            {
                Id = Guid.CreateVersion7(now), JobId = jobId, OrgId = caller.OrgId, UserId = caller.UserId, ExtractionKey = extraction.Key,
                TimestampsMs = JsonSerializer.Serialize(extraction.TimestampsMs), CreatedAt = now, UpdatedAt = now,
            };
            if (await ScreenshotRows.TryInsertTaskAsync(c, t, task, cancellationToken).ConfigureAwait(false))
                return (await DispatchAsync(c, t, caller, task, cancellationToken).ConfigureAwait(false), true);
            // On PostgreSQL a racing insert of the same key waited for the winner's commit and did nothing: its row is there now.
            var existing = (await ScreenshotRows.FindTaskByKeyAsync(c, t, jobId, extraction.Key, cancellationToken).ConfigureAwait(false))!;
            if (await AnswersReplayAsync(existing, cancellationToken).ConfigureAwait(false)) return (existing, false);
            var again = existing with { Status = ScreenshotTaskStatus.Queued, FailureCode = null, FailureMessage = null, UpdatedAt = now, CompletedAt = null };
            await ScreenshotRows.RequeueAsync(c, t, again, cancellationToken).ConfigureAwait(false);
            return (await DispatchAsync(c, t, caller, again, cancellationToken).ConfigureAwait(false), true);
        }, cancellationToken).ConfigureAwait(false);
        if (outcome.Item2) jobs.WakeWorkers();
        return outcome;
    }

    /// <summary>The caller's task and, once SUCCEEDED, the frame asset at each of its times.</summary>
    public async Task<(ScreenshotTask Task, IReadOnlyList<(long TimestampMs, GuideAsset Asset)> Shots)> GetAsync(Principal caller, Guid id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        caller.Require(Permissions.RunsRead);
        await using var c = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var task = await ScreenshotRows.FindTaskAsync(c, caller.OrgId, caller.UserId, id, cancellationToken).ConfigureAwait(false) ?? throw TesseraException.NotFound();
        if (ScreenshotTaskStatus.IsOpen(task.Status) && await AbandonedAsync(task, cancellationToken).ConfigureAwait(false))
        {
            var now = time.GetUtcNow();
            var failed = task with
            {
                Status = ScreenshotTaskStatus.Failed, FailureCode = GuidesErrorCodes.ScreenshotsFailed, UpdatedAt = now, CompletedAt = now,
                FailureMessage = "Its worker ended without finishing it; request the same screenshots again to queue it again.",
            };
            // A worker that finished it meanwhile wins: then the task is read again as it stands.
            task = await ScreenshotRows.FinishAsync(c, null, failed, cancellationToken).ConfigureAwait(false)
                ? failed : (await ScreenshotRows.FindTaskAsync(c, caller.OrgId, caller.UserId, id, cancellationToken).ConfigureAwait(false))!;
        }
        var shots = new List<(long, GuideAsset)>();
        foreach (var shot in await ScreenshotRows.ShotsAsync(c, task.Id, cancellationToken).ConfigureAwait(false))
            shots.Add((shot.TimestampMs, (await AnchorRows.FindAssetAsync(c, caller.OrgId, caller.UserId, shot.AssetId, cancellationToken).ConfigureAwait(false))!));
        return (task, shots);
    }

    /// <summary>
    /// The video's length, which processing's media stage stored: a job before it is a 409 <c>MEDIA_NOT_READY</c>; a
    /// FAILED or CANCELLED one, whose video nobody works on any more, a 409 <c>INVALID_TRANSITION</c>.
    /// </summary>
    private static double DurationOf(GuideJob job)
    {
        if (job.Status is GuideJobStatus.Failed or GuideJobStatus.Cancelled)
            throw new TesseraException(GuidesErrorCodes.InvalidTransition, 409, $"The job is {job.Status}: it takes no screenshots.") { Extensions = { ["job_status"] = job.Status } };
        if ((job.Artifacts is { } artifacts ? JsonNode.Parse(artifacts)?["duration_seconds"]?.GetValue<double>() : null) is { } seconds) return seconds;
        throw new TesseraException(GuidesErrorCodes.MediaNotReady, 409, $"The job is {job.Status}: its video is not processed yet, so its length is not known; run it first.")
        {
            Extensions = { ["job_status"] = job.Status },
        };
    }

    /// <summary>A task done, or still being worked on, answers its request again; a failed or abandoned one is queued again.</summary>
    private async Task<bool> AnswersReplayAsync(ScreenshotTask task, CancellationToken cancellationToken) =>
        task.Status == ScreenshotTaskStatus.Succeeded || (ScreenshotTaskStatus.IsOpen(task.Status) && !await AbandonedAsync(task, cancellationToken).ConfigureAwait(false));

    /// <summary>Whether an open task's engine job ended without ending it (its worker died on the last attempt, or the job was cancelled).</summary>
    private async Task<bool> AbandonedAsync(ScreenshotTask task, CancellationToken cancellationToken) =>
        task.EngineJobId is { } engine && (await jobs.GetAsync(JobScope.Operator, engine, cancellationToken).ConfigureAwait(false)).State.IsTerminal();

    private async Task<ScreenshotTask> DispatchAsync(DbConnection c, DbTransaction t, Principal caller, ScreenshotTask task, CancellationToken cancellationToken)
    {
        var request = new JobRequest(JobKind, new JsonObject { ["task_id"] = task.Id.ToString() })
        {
            // A requeued task is a new engine job: the key names the attempt's time, so it cannot collide with the failed one's.
            IdempotencyKey = $"{JobKind}:{task.Id}:{task.UpdatedAt.ToUnixTimeMilliseconds()}", MaxAttempts = MaxAttempts,
        };
        var engine = (await jobs.EnqueueAsync(JobOwner.Of(caller), request, c, t, cancellationToken).ConfigureAwait(false)).Job.Id;
        await ScreenshotRows.SetEngineJobAsync(c, t, task.Id, engine, cancellationToken).ConfigureAwait(false);
        return task with { EngineJobId = engine };
    }
}
