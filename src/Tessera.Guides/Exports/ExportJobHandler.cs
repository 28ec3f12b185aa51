using System.Text.Json.Nodes;
using Tessera.Core.Blobs;
using Tessera.Core.Errors;
using Tessera.Data;
using Tessera.Guides.Instructions;
using Tessera.Guides.Jobs;
using Tessera.Guides.Processing;
using Tessera.Guides.Storage;
using Tessera.Jobs;

namespace Tessera.Guides.Exports;

/// <summary>
/// The <c>guides.export</c> job: REQUESTED → RUNNING, the bundle written to a scratch file and stored as a blob, then
/// in one transaction the export SUCCEEDED with its bundle and provenance (frozen from then on) and, on the job's
/// first successful export, the guide job DRAFTED → DONE. A failed attempt stores nothing: the export stays RUNNING
/// for the engine's retry, and the last attempt's failure (or one retrying cannot mend) marks it FAILED.
/// </summary>
internal sealed class ExportJobHandler(TesseraDatabase database, IBlobStore blobs, GuidesSettings settings, TimeProvider time) : IJobHandler
{
    public const string Generator = "tessera guides export/1";

    public string Kind => ExportService.JobKind;
    public int Version => 1;
    public bool Cacheable => false;

    public async Task<JsonNode?> ExecuteAsync(JobContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!Guid.TryParse(context.Input?["export_id"]?.GetValue<string>(), out var id))
            throw new PermanentJobException(ErrorCodes.ValidationFailed, "The job input names no export_id.");
        return await Attempts.RunAsync(context, ExportService.MaxAttempts, GuidesErrorCodes.ExportFailed, (code, message) => FailAsync(id, code, message), async () =>
        {
            GuideExport? export;
            await using (var c = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
                export = await ExportRows.FindByIdAsync(c, null, database.Dialect, id, cancellationToken).ConfigureAwait(false);
            if (export is null || export.OrgId != context.Owner.OrgId || export.UserId != context.Owner.UserId)
                throw new PermanentJobException(ErrorCodes.ResourceNotFound, $"Export {id} does not exist.");
            await using (var c = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
                if (!await ExportRows.StartAsync(c, id, time.GetUtcNow(), cancellationToken).ConfigureAwait(false)) return Answer(export);
            return Answer(await ExportAsync(export, context, cancellationToken).ConfigureAwait(false));
        }, cancellationToken).ConfigureAwait(false);
    }

    private async Task<GuideExport> ExportAsync(GuideExport export, JobContext context, CancellationToken cancellationToken)
    {
        GuideJob job;
        GuideProject project;
        InstructionVersion version;
        await using (var c = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
        {
            job = (await GuideRows.FindJobByIdAsync(c, null, database.Dialect, export.JobId, cancellationToken).ConfigureAwait(false))!;
            project = (await GuideRows.FindProjectAsync(c, null, export.OrgId, export.UserId, job.ProjectId, cancellationToken).ConfigureAwait(false))!;
            version = (await InstructionRows.FindVersionAsync(c, export.InstructionId, export.InstructionVersion, cancellationToken).ConfigureAwait(false))!;
        }
        var blocks = InstructionBlock.Parse(export.Blocks ?? version.Blocks);
        await context.ReportProgressAsync(0, 2, $"writing the {export.Format} bundle ({blocks.Count} step(s))", cancellationToken).ConfigureAwait(false);
        var provenance = Provenance(export, job, version, blocks);
        var root = string.IsNullOrEmpty(settings.ScratchDir) ? Path.GetTempPath() : settings.ScratchDir;
        var file = Path.Combine(root, $"tessera-guides-export-{Guid.NewGuid():N}.zip");
        BlobRef bundle;
        try
        {
            await using (var target = File.Create(file))
                await ExportBundle.WriteAsync(
                    target, project.Name, blocks, export.Format, provenance, settings.AnnotationFontPath, (sha256, ct) => blobs.OpenReadAsync(sha256, ct), cancellationToken).ConfigureAwait(false);
            await using var stored = File.OpenRead(file);
            bundle = await blobs.PutAsync(stored, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            File.Delete(file);
        }
        // What the API shows adds where it came from and what it made.
        provenance["job_id"] = export.JobId.ToString();
        provenance["instruction_id"] = export.InstructionId.ToString();
        provenance["bundle_sha256"] = bundle.Sha256;
        var now = time.GetUtcNow();
        var done = export with
        {
            Status = ExportStatus.Succeeded, BundleSha256 = bundle.Sha256, BundleBytes = bundle.Size, Provenance = provenance.ToJsonString(), UpdatedAt = now, CompletedAt = now,
        };
        var finished = await database.InTransactionAsync(async (c, t) =>
        {
            var locked = (await GuideRows.FindJobByIdAsync(c, t, database.Dialect, export.JobId, cancellationToken).ConfigureAwait(false))!;
            if (!await ExportRows.FinishAsync(c, t, done, cancellationToken).ConfigureAwait(false)) return false;
            if (locked.Status == GuideJobStatus.Drafted)
                await JobAdvance.ToAsync(c, t, locked, locked with { Status = GuideJobStatus.Done }, JobAdvance.ActorWorker, $"exported ({export.Format}, export {export.Id})", now, cancellationToken)
                    .ConfigureAwait(false);
            return true;
        }, cancellationToken).ConfigureAwait(false);
        await context.ReportProgressAsync(2, 2, $"bundle of {bundle.Size} bytes", cancellationToken).ConfigureAwait(false);
        if (finished) return done;
        await using (var c = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
            return (await ExportRows.FindByIdAsync(c, null, database.Dialect, export.Id, cancellationToken).ConfigureAwait(false))!;
    }

    /// <summary>What the bundle was made from, as the bundle's provenance.json holds it: no ids and nothing from the clock, so the same content gives the same bundle.</summary>
    private static JsonObject Provenance(GuideExport export, GuideJob job, InstructionVersion version, IReadOnlyList<InstructionBlock> blocks) => new()
    {
        ["generator"] = Generator,
        ["video_sha256"] = job.VideoSha256,
        ["recognizer"] = job.Transcript is null ? null : Transcript.Parse(job.Transcript).Recognizer,
        ["instruction_version"] = version.Version,
        ["instruction_source"] = version.Source,
        ["validation_status"] = version.ValidationStatus,
        ["format"] = export.Format,
        ["identity"] = export.Identity,
        ["screenshots"] = new JsonArray([.. blocks.Select(b => b.FrameSha256).OfType<string>().Distinct(StringComparer.Ordinal).Select(s => (JsonNode)s)]),
    };

    private async Task FailAsync(Guid id, string code, string message)
    {
        var now = time.GetUtcNow();
        await database.InTransactionAsync(async (c, t) =>
        {
            var export = await ExportRows.FindByIdAsync(c, t, database.Dialect, id, CancellationToken.None).ConfigureAwait(false);
            if (export is not null)
                await ExportRows.FinishAsync(c, t, export with { Status = ExportStatus.Failed, FailureCode = code, FailureMessage = message, UpdatedAt = now, CompletedAt = now },
                    CancellationToken.None).ConfigureAwait(false);
            return true;
        }, CancellationToken.None).ConfigureAwait(false);
    }

    private static JsonObject Answer(GuideExport export) => new() { ["export_id"] = export.Id.ToString(), ["status"] = export.Status };
}
