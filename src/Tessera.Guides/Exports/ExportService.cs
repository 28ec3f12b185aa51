using Microsoft.AspNetCore.Http;
using Tessera.Core.Blobs;
using Tessera.Core.Errors;
using Tessera.Core.Identity;
using Tessera.Data;
using Tessera.Guides.Instructions;
using Tessera.Guides.Jobs;
using Tessera.Guides.Storage;
using Tessera.Jobs;
using Tessera.Platform.Downloads;

namespace Tessera.Guides.Exports;

/// <summary>
/// Requesting, reading and downloading exports. A request names a format and (optionally) a version of the job's
/// instructions, by default the current one; its identity (<see cref="ExportBundle.Identity"/>: the content, so two
/// versions that read the same are one export) decides whether it is new (202, queued as a <c>guides.export</c> job) or a replay (200, the export as it stands: 20 racing identical
/// requests make one export and one job). A FAILED export requested again is queued again, and so is one whose job
/// ended without ending it. The download URL is signed,
/// expires after <c>guides:export_url_ttl_seconds</c>, and is given only for a SUCCEEDED export.
/// </summary>
internal sealed class ExportService(TesseraDatabase database, JobService jobs, IBlobStore blobs, SignedDownloads downloads, GuidesSettings settings, TimeProvider time)
{
    public const string JobKind = "guides.export";
    public const int MaxAttempts = 3;

    public async Task<(GuideExport Export, bool Queued)> RequestAsync(Principal caller, Guid jobId, string? format, int? version, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        caller.Require(Permissions.RunsWrite);
        if (format is null || !ExportFormat.All.Contains(format, StringComparer.Ordinal))
            throw TesseraException.Validation($"format must be one of {string.Join(", ", ExportFormat.All)}.");
        if (version is < 1) throw TesseraException.Validation("instruction_version must be 1 or more (or left out for the current version).");
        var now = time.GetUtcNow();
        var outcome = await database.InTransactionAsync(async (c, t) =>
        {
            var job = await GuideRows.FindJobAsync(c, t, database.Dialect, caller.OrgId, caller.UserId, jobId, cancellationToken).ConfigureAwait(false) ?? throw TesseraException.NotFound();
            if (job.Status is not (GuideJobStatus.Drafted or GuideJobStatus.Done))
            {
                if (GuideJobStatus.IsTerminal(job.Status))
                    throw new TesseraException(GuidesErrorCodes.InvalidTransition, 409, $"The job is {job.Status}: it exports nothing.") { Extensions = { ["job_status"] = job.Status } };
                throw new TesseraException(GuidesErrorCodes.InstructionsNotReady, 409, $"The job is {job.Status}: its instructions are not drafted yet.") { Extensions = { ["job_status"] = job.Status } };
            }
            // Locked like a save locks it: the version and its anchors' resolution are read as one.
            var found = (await InstructionRows.FindForJobAsync(c, caller.OrgId, caller.UserId, jobId, cancellationToken).ConfigureAwait(false))!;
            var instruction = (await InstructionRows.FindAsync(c, t, database.Dialect, caller.OrgId, caller.UserId, found.Id, cancellationToken).ConfigureAwait(false))!;
            var chosen = await InstructionRows.FindVersionAsync(c, instruction.Id, version ?? instruction.CurrentVersion, cancellationToken).ConfigureAwait(false)
                ?? throw new TesseraException(ErrorCodes.ResourceNotFound, 404, $"The instructions have versions 1 to {instruction.CurrentVersion}.");
            var project = (await GuideRows.FindProjectAsync(c, t, caller.OrgId, caller.UserId, job.ProjectId, cancellationToken).ConfigureAwait(false))!;
            // An anchored step shows its anchor's active screenshot (an annotated one, say) rather than the raw frame.
            var shots = await AnchorRows.ActiveScreenshotsAsync(c, t, instruction.Id, chosen.Version, cancellationToken).ConfigureAwait(false);
            // A step whose screenshot was removed shows none, whatever its anchor holds.
            var blocks = InstructionBlock.Parse(chosen.Blocks).Select(b => b.FrameSha256 is not null && shots.TryGetValue(b.Id, out var shot) ? b with { FrameSha256 = shot } : b).ToList();
            var identity = ExportBundle.Identity(format, project.Name, blocks);
            var export = new GuideExport
            {
                Id = Guid.CreateVersion7(now), JobId = jobId, OrgId = caller.OrgId, UserId = caller.UserId, InstructionId = instruction.Id,
                InstructionVersion = chosen.Version, Format = format, Identity = identity, Blocks = InstructionBlock.Serialize(blocks), CreatedAt = now, UpdatedAt = now,
            };
            if (await ExportRows.TryInsertAsync(c, t, export, cancellationToken).ConfigureAwait(false))
                return (await DispatchAsync(c, t, caller, export, cancellationToken).ConfigureAwait(false), true);
            // On PostgreSQL a racing insert of the same identity waited for the winner's commit and did nothing: its row is there now.
            var existing = (await ExportRows.FindByIdentityAsync(c, t, jobId, identity, cancellationToken).ConfigureAwait(false))!;
            if (existing.Status == ExportStatus.Succeeded || (existing.Status != ExportStatus.Failed && !await AbandonedAsync(existing, cancellationToken).ConfigureAwait(false)))
                return (existing, false);
            var again = existing with { Status = ExportStatus.Requested, FailureCode = null, FailureMessage = null, UpdatedAt = now, CompletedAt = null };
            await ExportRows.RequeueAsync(c, t, again, cancellationToken).ConfigureAwait(false);
            return (await DispatchAsync(c, t, caller, again, cancellationToken).ConfigureAwait(false), true);
        }, cancellationToken).ConfigureAwait(false);
        if (outcome.Item2) jobs.WakeWorkers();
        return outcome;
    }

    /// <summary>The caller's export, with a fresh signed download link when it SUCCEEDED.</summary>
    public async Task<(GuideExport Export, SignedLink? Download)> GetAsync(Principal caller, Guid id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        caller.Require(Permissions.RunsRead);
        GuideExport export;
        await using (var c = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
            export = await ExportRows.FindAsync(c, caller.OrgId, caller.UserId, id, cancellationToken).ConfigureAwait(false) ?? throw TesseraException.NotFound();
        return (export, await DownloadLinkAsync(export).ConfigureAwait(false));
    }

    /// <summary>A freshly signed download link for a SUCCEEDED export; null for any other.</summary>
    public async Task<SignedLink?> DownloadLinkAsync(GuideExport export)
    {
        ArgumentNullException.ThrowIfNull(export);
        if (export.Status != ExportStatus.Succeeded) return null;
        return await downloads.SignLinkAsync(DownloadPath(export.Id), export.OrgId, TimeSpan.FromSeconds(settings.ExportUrlTtlSeconds)).ConfigureAwait(false);
    }

    /// <summary>
    /// Whether an open export's job ended without ending it (its worker died on the last attempt, or the job was
    /// cancelled): such an export is queued again rather than answered as it stands, which would leave it open for good.
    /// </summary>
    private async Task<bool> AbandonedAsync(GuideExport export, CancellationToken cancellationToken) =>
        export.EngineJobId is { } engine && (await jobs.GetAsync(JobScope.Operator, engine, cancellationToken).ConfigureAwait(false)).State.IsTerminal();

    /// <summary>The bundle a signed URL names: a bad, expired or re-pointed signature is a 403, an export not (or no longer) there a 404.</summary>
    public async Task<(GuideExport Export, Stream Bundle)> DownloadAsync(HttpRequest request, Guid id, CancellationToken cancellationToken)
    {
        var org = await downloads.VerifyAsync(request).ConfigureAwait(false);
        GuideExport? export;
        await using (var c = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
            export = await ExportRows.FindByIdAsync(c, null, database.Dialect, id, cancellationToken).ConfigureAwait(false);
        if (export is null || export.OrgId != org || export.Status != ExportStatus.Succeeded || export.BundleSha256 is null) throw TesseraException.NotFound();
        return (export, await blobs.OpenReadAsync(export.BundleSha256, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>The file name a downloaded bundle is saved under.</summary>
    public static string FileName(GuideExport export)
    {
        ArgumentNullException.ThrowIfNull(export);
        return $"guide-{export.JobId.ToString("N")[..8]}-v{export.InstructionVersion}-{export.Format}.zip";
    }

    public static string DownloadPath(Guid id) => $"/api/v1/guides/exports/{id}/download";

    private async Task<GuideExport> DispatchAsync(System.Data.Common.DbConnection c, System.Data.Common.DbTransaction t, Principal caller, GuideExport export, CancellationToken cancellationToken)
    {
        var request = new JobRequest(JobKind, new System.Text.Json.Nodes.JsonObject { ["export_id"] = export.Id.ToString() })
        {
            // A requeued export is a new engine job: the key names the attempt's time, so it cannot collide with the failed one's.
            IdempotencyKey = $"{JobKind}:{export.Id}:{export.UpdatedAt.ToUnixTimeMilliseconds()}", MaxAttempts = MaxAttempts,
        };
        var engine = (await jobs.EnqueueAsync(JobOwner.Of(caller), request, c, t, cancellationToken).ConfigureAwait(false)).Job.Id;
        await ExportRows.SetEngineJobAsync(c, t, export.Id, engine, cancellationToken).ConfigureAwait(false);
        return export with { EngineJobId = engine };
    }
}
