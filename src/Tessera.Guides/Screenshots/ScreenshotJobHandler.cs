using System.Text.Json;
using System.Text.Json.Nodes;
using Tessera.Core.Blobs;
using Tessera.Core.Errors;
using Tessera.Data;
using Tessera.Guides.Anchors;
using Tessera.Guides.Processing;
using Tessera.Guides.Storage;
using Tessera.Jobs;

namespace Tessera.Guides.Screenshots;

/// <summary>
/// The <c>guides.screenshots</c> job: QUEUED → RUNNING, then ffmpeg takes the frame at each of the task's times from
/// a scratch copy of the job's video; each PNG goes into the blob store and becomes the job's raw frame asset (the
/// same frame taken again is the same asset), and in one transaction the task SUCCEEDED with its frames. A failed
/// attempt records nothing: the task stays RUNNING for the engine's retry, and the last attempt's failure (or one
/// retrying cannot mend, such as a video ffmpeg cannot read) marks it FAILED.
/// </summary>
internal sealed class ScreenshotJobHandler(TesseraDatabase database, IBlobStore blobs, MediaTools media, GuidesSettings settings, TimeProvider time) : IJobHandler
{
    public string Kind => ScreenshotService.JobKind;
    public int Version => 1;
    public bool Cacheable => false;

    public async Task<JsonNode?> ExecuteAsync(JobContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!Guid.TryParse(context.Input?["task_id"]?.GetValue<string>(), out var id))
            throw new PermanentJobException(ErrorCodes.ValidationFailed, "The job input names no task_id.");
        return await Attempts.RunAsync(context, ScreenshotService.MaxAttempts, GuidesErrorCodes.ScreenshotsFailed, (code, message) => FailAsync(id, code, message), async () =>
        {
            ScreenshotTask? task;
            await using (var c = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
                task = await ScreenshotRows.FindTaskByIdAsync(c, id, cancellationToken).ConfigureAwait(false);
            if (task is null || task.OrgId != context.Owner.OrgId || task.UserId != context.Owner.UserId)
                throw new PermanentJobException(ErrorCodes.ResourceNotFound, $"Screenshot task {id} does not exist.");
            await using (var c = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
                if (!await ScreenshotRows.StartAsync(c, id, time.GetUtcNow(), cancellationToken).ConfigureAwait(false)) return Answer(task);
            return Answer(await TakeAsync(task, context, cancellationToken).ConfigureAwait(false));
        }, cancellationToken).ConfigureAwait(false);
    }

    private async Task<ScreenshotTask> TakeAsync(ScreenshotTask task, JobContext context, CancellationToken cancellationToken)
    {
        var times = JsonSerializer.Deserialize<long[]>(task.TimestampsMs)!;
        string video;
        await using (var c = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
            video = (await GuideRows.FindJobByIdAsync(c, null, database.Dialect, task.JobId, cancellationToken).ConfigureAwait(false))!.VideoSha256!;
        var root = string.IsNullOrEmpty(settings.ScratchDir) ? Path.GetTempPath() : settings.ScratchDir;
        var scratch = Directory.CreateDirectory(Path.Combine(root, "tessera-guides-shots-" + Guid.NewGuid().ToString("N"))).FullName;
        var shots = new List<(long TimestampMs, GuideAsset Asset)>();
        try
        {
            var copy = Path.Combine(scratch, "video");
            await using (var source = await blobs.OpenReadAsync(video, cancellationToken).ConfigureAwait(false))
            await using (var target = File.Create(copy))
                await source.CopyToAsync(target, cancellationToken).ConfigureAwait(false);
            foreach (var at in times)
            {
                await context.ReportProgressAsync(shots.Count, times.Length, $"taking the frame at {at} ms", cancellationToken).ConfigureAwait(false);
                var png = await File.ReadAllBytesAsync(await media.FrameAtAsync(copy, scratch, at, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
                shots.Add((at, await FrameAssetAsync(task, png, cancellationToken).ConfigureAwait(false)));
            }
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
        var now = time.GetUtcNow();
        var done = task with { Status = ScreenshotTaskStatus.Succeeded, UpdatedAt = now, CompletedAt = now };
        var finished = await database.InTransactionAsync(async (c, t) =>
        {
            if (!await ScreenshotRows.FinishAsync(c, t, done, cancellationToken).ConfigureAwait(false)) return false;
            foreach (var (at, asset) in shots) await ScreenshotRows.InsertShotAsync(c, t, task.Id, at, asset.Id, cancellationToken).ConfigureAwait(false);
            return true;
        }, cancellationToken).ConfigureAwait(false);
        await context.ReportProgressAsync(times.Length, times.Length, $"{times.Length} frame(s) taken", cancellationToken).ConfigureAwait(false);
        if (finished) return done;
        await using (var c = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
            return (await ScreenshotRows.FindTaskByIdAsync(c, task.Id, cancellationToken).ConfigureAwait(false))!;
    }

    /// <summary>The frame as the job's raw frame asset: stored once, whichever task (or anchor) took it first.</summary>
    private async Task<GuideAsset> FrameAssetAsync(ScreenshotTask task, byte[] png, CancellationToken cancellationToken)
    {
        var blob = await blobs.PutAsync(new MemoryStream(png), cancellationToken).ConfigureAwait(false);
        var (width, height) = AnnotationRenderer.SizeOf(png);
        var now = time.GetUtcNow();
        var asset = new GuideAsset
        {
            Id = Guid.CreateVersion7(now), JobId = task.JobId, OrgId = task.OrgId, UserId = task.UserId, Kind = AssetKind.Frame, Sha256 = blob.Sha256,
            Width = width, Height = height, CreatedAt = now,
        };
        await using var c = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        if (await AnchorRows.TryInsertAssetAsync(c, null, asset, cancellationToken).ConfigureAwait(false)) return asset;
        return (await AnchorRows.FindRawAssetAsync(c, null, task.JobId, AssetKind.Frame, blob.Sha256, cancellationToken).ConfigureAwait(false))!;
    }

    private async Task FailAsync(Guid id, string code, string message)
    {
        var now = time.GetUtcNow();
        await using var c = await database.OpenConnectionAsync(CancellationToken.None).ConfigureAwait(false);
        var task = await ScreenshotRows.FindTaskByIdAsync(c, id, CancellationToken.None).ConfigureAwait(false);
        if (task is not null)
            await ScreenshotRows.FinishAsync(c, null, task with { Status = ScreenshotTaskStatus.Failed, FailureCode = code, FailureMessage = message, UpdatedAt = now, CompletedAt = now },
                CancellationToken.None).ConfigureAwait(false);
    }

    private static JsonObject Answer(ScreenshotTask task) => new() { ["task_id"] = task.Id.ToString(), ["status"] = task.Status };
}
