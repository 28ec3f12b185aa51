using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Tessera.Core.Errors;
using Tessera.Data;
using Tessera.Guides.Instructions;
using Tessera.Guides.Instructions.Writers;
using Tessera.Guides.Jobs;
using Tessera.Guides.Processing;
using Tessera.Guides.Storage;
using Tessera.Jobs;

namespace Tessera.Guides.Regeneration;

/// <summary>
/// The <c>guides.regenerate</c> job: QUEUED → RUNNING; the configured writer (<c>guides:writer</c>) writes the steps
/// from the job's transcript and screens; then in one transaction, with the instruction locked, the result becomes the
/// next version (source <c>regenerate</c>, validated, every anchor resolved against it) and the task SUCCEEDED with
/// its provenance. A save that came in meanwhile fails the task with <c>VERSION_CONFLICT</c>, writing nothing.
/// </summary>
internal sealed class RegenerateJobHandler(TesseraDatabase database, StepWriters writers, TimeProvider time) : IJobHandler
{
    public const string Generator = "tessera guides regenerate/1";
    public const string Source = "regenerate";

    public string Kind => RegenerateService.JobKind;
    public int Version => 1;
    public bool Cacheable => false;

    public async Task<JsonNode?> ExecuteAsync(JobContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!Guid.TryParse(context.Input?["task_id"]?.GetValue<string>(), out var id))
            throw new PermanentJobException(ErrorCodes.ValidationFailed, "The job input names no task_id.");
        return await Attempts.RunAsync(context, RegenerateService.MaxAttempts, GuidesErrorCodes.RegenerateFailed, (code, message) => FailAsync(id, code, message), async () =>
        {
            RegenerateTask? task;
            await using (var c = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
                task = await TaskRows.FindByIdAsync(c, null, database.Dialect, id, cancellationToken).ConfigureAwait(false);
            if (task is null || task.OrgId != context.Owner.OrgId || task.UserId != context.Owner.UserId)
                throw new PermanentJobException(ErrorCodes.ResourceNotFound, $"Regenerate task {id} does not exist.");
            await using (var c = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
                if (!await TaskRows.StartAsync(c, id, time.GetUtcNow(), cancellationToken).ConfigureAwait(false)) return Answer(task);
            return Answer(await RegenerateAsync(task, context, cancellationToken).ConfigureAwait(false));
        }, cancellationToken).ConfigureAwait(false);
    }

    private async Task<RegenerateTask> RegenerateAsync(RegenerateTask task, JobContext context, CancellationToken cancellationToken)
    {
        GuideJob job;
        await using (var c = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
            job = (await GuideRows.FindJobByIdAsync(c, null, database.Dialect, task.JobId, cancellationToken).ConfigureAwait(false))!;
        await context.ReportProgressAsync(0, 2, $"writing steps ({writers.Kind})", cancellationToken).ConfigureAwait(false);
        var transcript = Transcript.Parse(job.Transcript ?? throw new TesseraException(GuidesErrorCodes.TranscriptNotReady, 409, "The job has no transcript to write steps from."));
        var written = await writers.WriteAsync(job.Id, transcript.Segments, FrameRef.FromArtifacts(job.Artifacts), cancellationToken).ConfigureAwait(false);
        var selection = task.BlockIds is null ? null : JsonSerializer.Deserialize<List<string>>(task.BlockIds);
        var now = time.GetUtcNow();
        var done = await database.InTransactionAsync(async (c, t) =>
        {
            var instruction = (await InstructionRows.FindAsync(c, t, database.Dialect, task.OrgId, task.UserId, task.InstructionId, cancellationToken).ConfigureAwait(false))!;
            // Locked after the instruction, as a request locks them: a task a poller has meanwhile ended (its job lost
            // on the last attempt) writes no version.
            var locked = await TaskRows.FindByIdAsync(c, t, database.Dialect, task.Id, cancellationToken).ConfigureAwait(false);
            if (locked is null || !RegenerateStatus.IsOpen(locked.Status)) return null;
            if (instruction.CurrentVersion != task.BaseVersion)
                throw new TesseraException(ErrorCodes.VersionConflict, 409,
                    $"The instructions moved from version {task.BaseVersion} to {instruction.CurrentVersion} while the steps were written; nothing was changed.");
            var current = InstructionBlock.Parse((await InstructionRows.FindVersionAsync(c, task.InstructionId, task.BaseVersion, cancellationToken).ConfigureAwait(false))!.Blocks);
            var outcome = Regenerated.Apply(current, selection, written.Blocks, task.Id);
            if (outcome.Blocks.Count > InstructionService.MaxBlocks)
                throw TesseraException.Validation(
                    $"The rewritten steps would make {outcome.Blocks.Count} steps, more than the {InstructionService.MaxBlocks} a version holds: rewrite fewer steps, or remove some first.");
            var (status, issues) = InstructionValidation.Of(outcome.Blocks, [.. written.Issues, .. outcome.Notes]);
            var version = new InstructionVersion
            {
                InstructionId = task.InstructionId, Version = task.BaseVersion + 1, Blocks = InstructionBlock.Serialize(outcome.Blocks), Source = Source,
                ValidationStatus = status, ValidationIssues = JsonSerializer.Serialize(issues), CreatedAt = now,
            };
            await InstructionRows.InsertVersionAsync(c, t, version, cancellationToken).ConfigureAwait(false);
            await InstructionRows.SetCurrentAsync(c, t, task.InstructionId, version.Version, now, cancellationToken).ConfigureAwait(false);
            await AnchorRows.ResolveAllAsync(c, t, task.InstructionId, version.Version, outcome.Blocks, now, cancellationToken).ConfigureAwait(false);
            var succeeded = task with
            {
                Status = RegenerateStatus.Succeeded, ResultVersion = version.Version, UpdatedAt = now, CompletedAt = now,
                Provenance = Provenance(task, job, transcript, written, outcome, selection).ToJsonString(),
            };
            await TaskRows.FinishAsync(c, t, succeeded, cancellationToken).ConfigureAwait(false);
            return succeeded;
        }, cancellationToken).ConfigureAwait(false);
        await context.ReportProgressAsync(2, 2, done is null ? "already ended" : $"version {done.ResultVersion}", cancellationToken).ConfigureAwait(false);
        if (done is not null) return done;
        await using (var c = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
            return (await TaskRows.FindByIdAsync(c, null, database.Dialect, task.Id, cancellationToken).ConfigureAwait(false))!;
    }

    /// <summary>Where the version came from: the writer (and model), the transcript and its recognizer, what was asked and what changed.</summary>
    private static JsonObject Provenance(
        RegenerateTask task, GuideJob job, Transcript transcript, WrittenSteps written, Regenerated.Outcome outcome, List<string>? selection) => new()
    {
        ["generator"] = Generator,
        ["writer"] = written.Writer,
        ["recognizer"] = transcript.Recognizer,
        ["transcript_sha256"] = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(job.Transcript!))),
        ["video_sha256"] = job.VideoSha256,
        ["base_version"] = task.BaseVersion,
        ["result_version"] = task.BaseVersion + 1,
        ["block_ids"] = selection is null ? null : new JsonArray([.. selection.Select(s => (JsonNode)s)]),
        ["steps_written"] = written.Blocks.Count,
        ["rewritten"] = new JsonArray([.. outcome.Rewritten.Select(s => (JsonNode)s)]),
        ["unchanged"] = new JsonArray([.. outcome.Unchanged.Select(s => (JsonNode)s)]),
    };

    private async Task FailAsync(Guid id, string code, string message)
    {
        var now = time.GetUtcNow();
        await database.InTransactionAsync(async (c, t) =>
        {
            var task = await TaskRows.FindByIdAsync(c, t, database.Dialect, id, CancellationToken.None).ConfigureAwait(false);
            if (task is not null)
                await TaskRows.FinishAsync(c, t, task with { Status = RegenerateStatus.Failed, FailureCode = code, FailureMessage = message, UpdatedAt = now, CompletedAt = now },
                    CancellationToken.None).ConfigureAwait(false);
            return true;
        }, CancellationToken.None).ConfigureAwait(false);
    }

    private static JsonObject Answer(RegenerateTask task) => new() { ["task_id"] = task.Id.ToString(), ["status"] = task.Status };
}
