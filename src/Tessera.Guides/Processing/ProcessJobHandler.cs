using System.Text.Json;
using System.Text.Json.Nodes;
using Tessera.Core.Blobs;
using Tessera.Core.Errors;
using Tessera.Data;
using Tessera.Guides.Instructions;
using Tessera.Guides.Instructions.Writers;
using Tessera.Guides.Jobs;
using Tessera.Guides.Processing.Speech;
using Tessera.Guides.Storage;
using Tessera.Jobs;

namespace Tessera.Guides.Processing;

/// <summary>
/// The default worker, <c>guides.process</c> on the job engine: QUEUED → PROCESSING, then each stage once, its output
/// stored with the job's checkpoint in one transaction, so a retry (of the engine job, or a new guide job retrying a
/// failed one) resumes after the last stored stage:
/// <list type="number">
/// <item><c>media</c>: ffprobe checks the video; the frames where the screen changes and the audio (16 kHz mono WAV)
/// go into the blob store, and tesseract reads each frame's text (<see cref="ScreenReader"/>);</item>
/// <item><c>transcript</c>: the narration from the video's subtitle stream, or else from its audio by the configured
/// recognizer (<see cref="RecognizerChoice"/>: whisper.cpp when a model is installed, pocketsphinx, or a remote
/// Whisper-style service) → TRANSCRIBED. A
/// video with neither, or whose audio holds no speech the recognizer hears, fails with <c>GUIDES_TRANSCRIPT_UNAVAILABLE</c>.</item>
/// <item><c>draft</c>: the configured writer (<see cref="IStepWriter"/>: the rule-based
/// <see cref="StepWriter"/>, or a writer service) makes the steps, each with the screenshot whose text matches it or
/// else the one on screen when it is said, as version 1 of the job's instructions → DRAFTED.</item>
/// </list>
/// A stage that fails for a reason retrying cannot mend fails the guide job (FAILED, with the code and message) at
/// once; any other error is retried, and the last attempt's fails it too, so a job never stays PROCESSING. A job
/// cancelled meanwhile is left as it is.
/// </summary>
internal sealed class ProcessJobHandler(
    TesseraDatabase database, IBlobStore blobs, MediaTools media, ScreenReader screens, RecognizerChoice recognizers, StepWriters writers, GuidesSettings settings, TimeProvider time)
    : IJobHandler
{
    public const string JobKind = "guides.process";
    public const int MaxAttempts = 3;
    public const string MediaStage = "media";
    public const string TranscriptStage = "transcript";
    public const string DraftStage = "draft";

    /// <summary>The recognizer a transcript records when it came from the video's own subtitles.</summary>
    public const string SubtitleRecognizer = "subtitle-stream";

    // The statuses this worker moves a job out of; a failure never touches a job another run drafted or someone ended.
    private static readonly string[] WorkerStatuses = [GuideJobStatus.Queued, GuideJobStatus.Processing, GuideJobStatus.Transcribed];

    public string Kind => JobKind;
    public int Version => 1;
    public bool Cacheable => false;

    public async Task<JsonNode?> ExecuteAsync(JobContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!Guid.TryParse(context.Input?["guide_job_id"]?.GetValue<string>(), out var id))
            throw new PermanentJobException(ErrorCodes.ValidationFailed, "The job input names no guide_job_id.");
        return await Attempts.RunAsync(context, MaxAttempts, GuidesErrorCodes.ProcessingFailed, (code, message) => FailAsync(id, context.Owner, code, message), async () =>
        {
            var job = await AdvanceAsync(id, context.Owner, [GuideJobStatus.Queued], j => j with { Status = GuideJobStatus.Processing }, "processing started", cancellationToken)
                .ConfigureAwait(false);
            // An earlier attempt may have stopped after any stage: PROCESSING or TRANSCRIBED resume; anything else is done.
            if (job.Status is not (GuideJobStatus.Processing or GuideJobStatus.Transcribed)) return Answer(job);
            if (job.Checkpoint is not (null or MediaStage or TranscriptStage or DraftStage))
                throw new TesseraException(GuidesErrorCodes.CheckpointUnknown, 422, $"The job's checkpoint '{job.Checkpoint}' is no stage of this worker (media, transcript, draft).");
            // Only the media and transcript stages read the video: a job past them drafts without fetching it.
            if (job.Status == GuideJobStatus.Processing && job.Checkpoint is null or MediaStage) job = await FromVideoAsync(job, context, cancellationToken).ConfigureAwait(false);
            // A retry of a job that failed after its transcript (or its draft) has the transcript: it drafts its own instructions.
            if (job.Status == GuideJobStatus.Processing && job.Checkpoint is TranscriptStage or DraftStage)
                job = await AdvanceAsync(job.Id, context.Owner, [GuideJobStatus.Processing], j => j with { Status = GuideJobStatus.Transcribed, Checkpoint = TranscriptStage },
                    "resumed after the stored transcript", cancellationToken).ConfigureAwait(false);
            if (job.Status == GuideJobStatus.Transcribed) job = await DraftAsync(job, context, cancellationToken).ConfigureAwait(false);
            return Answer(job);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The stages that read the video, on a copy in a scratch folder removed afterwards.</summary>
    private async Task<GuideJob> FromVideoAsync(GuideJob job, JobContext context, CancellationToken cancellationToken)
    {
        var root = string.IsNullOrEmpty(settings.ScratchDir) ? Path.GetTempPath() : settings.ScratchDir;
        var scratch = Directory.CreateDirectory(Path.Combine(root, "tessera-guides-" + Guid.NewGuid().ToString("N"))).FullName;
        try
        {
            var video = Path.Combine(scratch, "video");
            await using (var source = await blobs.OpenReadAsync(job.VideoSha256!, cancellationToken).ConfigureAwait(false))
            await using (var target = File.Create(video))
                await source.CopyToAsync(target, cancellationToken).ConfigureAwait(false);
            if (job.Checkpoint is null) job = await MediaAsync(job, context, video, scratch, cancellationToken).ConfigureAwait(false);
            if (job.Status == GuideJobStatus.Processing && job.Checkpoint == MediaStage) job = await TranscriptAsync(job, context, video, scratch, cancellationToken).ConfigureAwait(false);
            return job;
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    private async Task<GuideJob> MediaAsync(GuideJob job, JobContext context, string video, string scratch, CancellationToken cancellationToken)
    {
        await context.ReportProgressAsync(0, 4, "reading the video", cancellationToken).ConfigureAwait(false);
        var info = await media.ProbeAsync(video, scratch, cancellationToken).ConfigureAwait(false);
        if (!info.HasVideo) throw new TesseraException(GuidesErrorCodes.VideoInvalid, 422, "The upload has no video stream.");
        var frames = await media.FramesAsync(video, scratch, cancellationToken).ConfigureAwait(false);
        await context.ReportProgressAsync(1, 4, $"reading the text on {frames.Count} screen(s)", cancellationToken).ConfigureAwait(false);
        var screen = await screens.ReadAllAsync(frames, scratch, cancellationToken).ConfigureAwait(false);
        var stored = new JsonArray();
        var blobsKept = new List<(string Kind, string Sha256)>();
        foreach (var (frame, position) in frames.Select((f, i) => (f, i)))
        {
            var sha256 = await PutAsync(frame.Path, cancellationToken).ConfigureAwait(false);
            blobsKept.Add(("frame", sha256));
            var kept = new JsonObject { ["index"] = frame.Index, ["time_seconds"] = frame.TimeSeconds, ["sha256"] = sha256 };
            if (screen.Unavailable is null) kept["text"] = screen.Texts[position];
            stored.Add(kept);
        }
        var artifacts = new JsonObject
        {
            ["duration_seconds"] = info.DurationSeconds, ["has_audio"] = info.HasAudio, ["subtitle_streams"] = info.SubtitleStreams, ["frames"] = stored,
            ["screen_text"] = screen.Unavailable is null ? "tesseract" : "unavailable: " + screen.Unavailable,
        };
        if (info.HasAudio)
        {
            var audio = await PutAsync(await media.AudioAsync(video, scratch, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
            blobsKept.Add(("audio", audio));
            artifacts["audio_sha256"] = audio;
        }
        await context.ReportProgressAsync(2, 4, $"{frames.Count} screen(s) found", cancellationToken).ConfigureAwait(false);
        return await AdvanceAsync(job.Id, context.Owner, [GuideJobStatus.Processing], j => j with { Checkpoint = MediaStage, Artifacts = artifacts.ToJsonString() }, null, cancellationToken,
            async (c, t) =>
            {
                foreach (var (kind, sha256) in blobsKept) await GuideRows.InsertBlobAsync(c, t, job.Id, kind, sha256, cancellationToken).ConfigureAwait(false);
            }).ConfigureAwait(false);
    }

    private async Task<GuideJob> TranscriptAsync(GuideJob job, JobContext context, string video, string scratch, CancellationToken cancellationToken)
    {
        var artifacts = JsonNode.Parse(job.Artifacts!);
        Transcript transcript;
        if ((artifacts?["subtitle_streams"]?.GetValue<int>() ?? 0) > 0)
        {
            var segments = SubtitleParser.Parse(await media.SubtitlesAsync(video, scratch, cancellationToken).ConfigureAwait(false));
            if (segments.Count == 0) throw new TesseraException(GuidesErrorCodes.TranscriptUnavailable, 422, "The video's subtitle stream holds no cue with text.");
            transcript = new Transcript(SubtitleRecognizer, segments);
        }
        else if (artifacts?["audio_sha256"]?.GetValue<string>() is { } audio)
        {
            var recognizer = await recognizers.PickAsync(cancellationToken).ConfigureAwait(false);
            await context.ReportProgressAsync(2, 4, $"recognizing speech ({recognizer.Name})", cancellationToken).ConfigureAwait(false);
            // The media stage left the audio here, unless this attempt resumed after it: then it comes from the blob store.
            var wav = Path.Combine(scratch, MediaTools.AudioFileName);
            if (!File.Exists(wav))
            {
                await using var source = await blobs.OpenReadAsync(audio, cancellationToken).ConfigureAwait(false);
                await using var target = File.Create(wav);
                await source.CopyToAsync(target, cancellationToken).ConfigureAwait(false);
            }
            var segments = await recognizer.RecognizeAsync(wav, scratch, cancellationToken).ConfigureAwait(false);
            if (segments.Count == 0)
                throw new TesseraException(GuidesErrorCodes.TranscriptUnavailable, 422, $"The recognizer ({recognizer.Name}) heard no speech in the video's audio, and the video has no subtitle stream.");
            transcript = new Transcript(recognizer.Name, segments);
        }
        else
        {
            throw new TesseraException(GuidesErrorCodes.TranscriptUnavailable, 422, "The video has neither a subtitle stream nor an audio stream: there is no narration to write steps from.");
        }
        await context.ReportProgressAsync(3, 4, $"transcribed: {transcript.Segments.Count} segment(s)", cancellationToken).ConfigureAwait(false);
        return await AdvanceAsync(job.Id, context.Owner, [GuideJobStatus.Processing],
            j => j with { Status = GuideJobStatus.Transcribed, Checkpoint = TranscriptStage, Transcript = transcript.ToJson() },
            $"transcribed ({transcript.Recognizer})", cancellationToken).ConfigureAwait(false);
    }

    private async Task<GuideJob> DraftAsync(GuideJob job, JobContext context, CancellationToken cancellationToken)
    {
        var frames = FrameRef.FromArtifacts(job.Artifacts);
        await context.ReportProgressAsync(3, 4, $"writing steps ({writers.Kind})", cancellationToken).ConfigureAwait(false);
        var (blocks, notes, writtenBy) = await writers.WriteAsync(job.Id, Transcript.Parse(job.Transcript!).Segments, frames, cancellationToken).ConfigureAwait(false);
        var (status, issues) = InstructionValidation.Of(blocks, notes);
        var now = time.GetUtcNow();
        var instruction = new Instruction { Id = Guid.CreateVersion7(now), JobId = job.Id, OrgId = job.OrgId, UserId = job.UserId, CurrentVersion = 1, CreatedAt = now, UpdatedAt = now };
        var first = new InstructionVersion
        {
            InstructionId = instruction.Id, Version = 1, Blocks = InstructionBlock.Serialize(blocks), Source = InstructionService.SourceWriter,
            ValidationStatus = status, ValidationIssues = JsonSerializer.Serialize(issues), CreatedAt = now,
        };
        await context.ReportProgressAsync(4, 4, $"drafted {blocks.Count} step(s)", cancellationToken).ConfigureAwait(false);
        return await AdvanceAsync(job.Id, context.Owner, [GuideJobStatus.Transcribed], j => j with { Status = GuideJobStatus.Drafted, Checkpoint = DraftStage }, $"drafted {blocks.Count} step(s) ({writtenBy})", cancellationToken,
            async (c, t) =>
            {
                await InstructionRows.InsertAsync(c, t, instruction, cancellationToken).ConfigureAwait(false);
                await InstructionRows.InsertVersionAsync(c, t, first, cancellationToken).ConfigureAwait(false);
            }).ConfigureAwait(false);
    }

    /// <summary>
    /// Applies <paramref name="change"/> to the locked job when its status is one of <paramref name="expected"/>, with
    /// <paramref name="alongside"/> in the same transaction; a job that moved on meanwhile (cancelled, failed, or
    /// advanced by another run of this job) is returned as it is, unchanged.
    /// </summary>
    private Task<GuideJob> AdvanceAsync(
        Guid id, JobOwner owner, string[] expected, Func<GuideJob, GuideJob> change, string? reason, CancellationToken cancellationToken,
        Func<System.Data.Common.DbConnection, System.Data.Common.DbTransaction, Task>? alongside = null) =>
        database.InTransactionAsync(async (c, t) =>
        {
            var job = await GuideRows.FindJobByIdAsync(c, t, database.Dialect, id, cancellationToken).ConfigureAwait(false);
            if (job is null || job.OrgId != owner.OrgId || job.UserId != owner.UserId)
                throw new PermanentJobException(ErrorCodes.ResourceNotFound, $"Guide job {id} does not exist.");
            if (!expected.Contains(job.Status, StringComparer.Ordinal)) return job;
            if (alongside is not null) await alongside(c, t).ConfigureAwait(false);
            return await JobAdvance.ToAsync(c, t, job, change(job), JobAdvance.ActorWorker, reason, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        }, cancellationToken);

    private Task<GuideJob> FailAsync(Guid id, JobOwner owner, string code, string message) =>
        AdvanceAsync(id, owner, WorkerStatuses, j => j with { Status = GuideJobStatus.Failed, FailureCode = code, FailureMessage = message }, code, CancellationToken.None);

    private async Task<string> PutAsync(string file, CancellationToken cancellationToken)
    {
        await using var stream = File.OpenRead(file);
        return (await blobs.PutAsync(stream, cancellationToken).ConfigureAwait(false)).Sha256;
    }

    private static JsonObject Answer(GuideJob job) => new() { ["guide_job_id"] = job.Id.ToString(), ["status"] = job.Status };
}
