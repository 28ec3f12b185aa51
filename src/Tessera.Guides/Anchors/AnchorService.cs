using System.Text.Json.Nodes;
using Tessera.Core.Blobs;
using Tessera.Core.Errors;
using Tessera.Core.Identity;
using Tessera.Data;
using Tessera.Guides.Instructions;
using Tessera.Guides.Storage;

namespace Tessera.Guides.Anchors;

/// <summary>An anchor with its attachments (in order) and the active asset: the newest not detached, or none.</summary>
internal sealed record AnchorView(GuideAnchor Anchor, IReadOnlyList<(AnchorAsset Attachment, GuideAsset Asset)> Attachments)
{
    public GuideAsset? Active => Attachments.LastOrDefault(a => a.Attachment.DetachedAt is null).Asset;
}

/// <summary>
/// Anchors, their screenshot assets and annotations. An anchor pins screenshots to a step of the current version (by
/// block id, with a char range's text as fallback) and starts with the step's frame attached; another frame (or a
/// confirmed upload) can replace it, an asset can be detached (the active one falls back to the newest still attached),
/// and an annotation draws an operation log on the newest raw screenshot attached, making a new asset that becomes
/// active. Raw screenshots and renders are never changed. Creating the same anchor again, or drawing the same log on the same frame, answers
/// what stands (200) rather than making another; a log that is not valid, or a render that fails, writes nothing.
/// </summary>
internal sealed class AnchorService(TesseraDatabase database, IBlobStore blobs, AnnotationRenderer renderer, TimeProvider time)
{
    public async Task<(AnchorView View, bool Created)> CreateAsync(Principal caller, Guid instructionId, string? blockId, int? charStart, int? charEnd, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        caller.Require(Permissions.RunsWrite);
        if (string.IsNullOrWhiteSpace(blockId)) throw TesseraException.Validation("block_id must name a step of the instructions.");
        if ((charStart is null) != (charEnd is null)) throw TesseraException.Validation("char_range needs both start and end, or neither.");
        // The frame asset is made (idempotently) before the transaction: it reads the PNG for its size.
        var (instruction, version) = await CurrentAsync(caller, instructionId, cancellationToken).ConfigureAwait(false);
        var frame = InstructionBlock.Parse(version.Blocks).FirstOrDefault(b => b.Id == blockId)?.FrameSha256 is { } sha
            ? await FrameAssetAsync(caller, instruction.JobId, sha, cancellationToken).ConfigureAwait(false) : null;
        var now = time.GetUtcNow();
        var (anchor, created) = await database.InTransactionAsync(async (c, t) =>
        {
            var locked = await InstructionRows.FindAsync(c, t, database.Dialect, caller.OrgId, caller.UserId, instructionId, cancellationToken).ConfigureAwait(false) ?? throw TesseraException.NotFound();
            var current = (await InstructionRows.FindVersionAsync(c, locked.Id, locked.CurrentVersion, cancellationToken).ConfigureAwait(false))!;
            var blocks = InstructionBlock.Parse(current.Blocks);
            var index = blocks.ToList().FindIndex(b => b.Id == blockId);
            if (index < 0)
                throw new TesseraException(GuidesErrorCodes.AnchorTargetInvalid, 422, $"Version {current.Version} of the instructions has no step '{blockId}'.");
            var text = blocks[index].Text;
            if (charStart is { } start && (start < 0 || charEnd <= start || charEnd > text.Length))
                throw new TesseraException(GuidesErrorCodes.AnchorTargetInvalid, 422, $"char_range must lie within the step's {text.Length} characters, start before end.");
            var anchor = new GuideAnchor
            {
                Id = Guid.CreateVersion7(now), InstructionId = locked.Id, JobId = locked.JobId, OrgId = caller.OrgId, UserId = caller.UserId, BlockId = blockId,
                CharStart = charStart, CharEnd = charEnd, Quote = charStart is { } s ? text[s..charEnd!.Value] : text, CreatedVersion = current.Version, CreatedIndex = index,
                ResolvedVersion = current.Version, ResolvedBlockId = blockId, ResolvedIndex = index, Resolution = AnchorResolution.Resolved, CreatedAt = now, UpdatedAt = now,
            };
            if (!await AnchorRows.TryInsertAnchorAsync(c, t, anchor, cancellationToken).ConfigureAwait(false))
                return ((await AnchorRows.FindAnchorByAddressAsync(c, t, locked.Id, blockId, charStart, charEnd, cancellationToken).ConfigureAwait(false))!, false);
            // The step's screenshot starts attached, unless the step changed since it was read (a save in between).
            if (frame is not null && blocks[index].FrameSha256 == frame.Sha256) await AnchorRows.AttachAsync(c, t, anchor.Id, frame.Id, now, cancellationToken).ConfigureAwait(false);
            return (anchor, true);
        }, cancellationToken).ConfigureAwait(false);
        return (await ViewAsync(anchor, cancellationToken).ConfigureAwait(false), created);
    }

    public async Task<IReadOnlyList<AnchorView>> ListAsync(Principal caller, Guid instructionId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        caller.Require(Permissions.RunsRead);
        IReadOnlyList<GuideAnchor> anchors;
        await using (var c = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
        {
            _ = await InstructionRows.FindAsync(c, null, database.Dialect, caller.OrgId, caller.UserId, instructionId, cancellationToken).ConfigureAwait(false) ?? throw TesseraException.NotFound();
            anchors = await AnchorRows.ListAnchorsAsync(c, null, instructionId, cancellationToken).ConfigureAwait(false);
        }
        var views = new List<AnchorView>(anchors.Count);
        foreach (var anchor in anchors) views.Add(await ViewAsync(anchor, cancellationToken).ConfigureAwait(false));
        return views;
    }

    public async Task<AnchorView> GetAsync(Principal caller, Guid id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        caller.Require(Permissions.RunsRead);
        GuideAnchor anchor;
        await using (var c = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
            anchor = await AnchorRows.FindAnchorAsync(c, null, database.Dialect, caller.OrgId, caller.UserId, id, cancellationToken).ConfigureAwait(false) ?? throw TesseraException.NotFound();
        return await ViewAsync(anchor, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Attaches another of the job's frames as the anchor's active screenshot: one processing kept (its artifacts list
    /// them) or one taken at a chosen time (a screenshot task's).
    /// </summary>
    public async Task<AnchorView> ReplaceAsync(Principal caller, Guid id, string? frameSha256, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        caller.Require(Permissions.RunsWrite);
        var anchor = await GetAsync(caller, id, cancellationToken).ConfigureAwait(false);
        GuideAsset? taken = null;
        if (frameSha256 is not null)
            await using (var c = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
                taken = await AnchorRows.FindRawAssetAsync(c, null, anchor.Anchor.JobId, AssetKind.Frame, frameSha256, cancellationToken).ConfigureAwait(false);
        if (taken is null) RequireJobFrame(await JobArtifactsAsync(anchor.Anchor.JobId, cancellationToken).ConfigureAwait(false), frameSha256);
        var frame = taken ?? await FrameAssetAsync(caller, anchor.Anchor.JobId, frameSha256!, cancellationToken).ConfigureAwait(false);
        return await AttachAsync(caller, id, frame, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Attaches a confirmed screenshot upload of the anchor's job as its active screenshot. An upload not the caller's,
    /// or of another job, is missing (404); one not confirmed yet is a 409 <c>UPLOAD_NOT_CONFIRMED</c>.
    /// </summary>
    public async Task<AnchorView> AttachUploadAsync(Principal caller, Guid id, Guid? uploadId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        caller.Require(Permissions.RunsWrite);
        var anchor = await GetAsync(caller, id, cancellationToken).ConfigureAwait(false);
        if (uploadId is not { } upload) throw TesseraException.Validation("upload_id must name a confirmed screenshot upload of the anchor's job.");
        GuideAsset asset;
        await using (var c = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
        {
            var found = await ScreenshotRows.FindUploadAsync(c, null, database.Dialect, caller.OrgId, caller.UserId, anchor.Anchor.JobId, upload, cancellationToken).ConfigureAwait(false)
                ?? throw TesseraException.NotFound();
            if (found.AssetId is not { } assetId)
                throw new TesseraException(GuidesErrorCodes.UploadNotConfirmed, 409, "The upload is not confirmed yet: confirm it (POST …/screenshots/uploads/{uploadId}/confirm) first.");
            asset = (await AnchorRows.FindAssetAsync(c, caller.OrgId, caller.UserId, assetId, cancellationToken).ConfigureAwait(false))!;
        }
        return await AttachAsync(caller, id, asset, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Detaches an asset from the anchor (the asset itself stays); the active one falls back to the newest still attached.</summary>
    public async Task<AnchorView> DetachAsync(Principal caller, Guid id, Guid assetId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        caller.Require(Permissions.RunsWrite);
        var now = time.GetUtcNow();
        var anchor = await database.InTransactionAsync(async (c, t) =>
        {
            var locked = await AnchorRows.FindAnchorAsync(c, t, database.Dialect, caller.OrgId, caller.UserId, id, cancellationToken).ConfigureAwait(false) ?? throw TesseraException.NotFound();
            if (!await AnchorRows.DetachAsync(c, t, id, assetId, now, cancellationToken).ConfigureAwait(false))
                throw new TesseraException(ErrorCodes.ResourceNotFound, 404, "That asset is not attached to this anchor.");
            return locked;
        }, cancellationToken).ConfigureAwait(false);
        return await ViewAsync(anchor, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Draws <paramref name="ops"/> on the newest raw screenshot (frame or upload) attached to the anchor: a new asset, attached as active
    /// (true); the same log on the same frame again answers the standing render, attached as active again (false).
    /// </summary>
    public async Task<(AnchorView View, GuideAsset Asset, bool Created)> AnnotateAsync(Principal caller, Guid id, JsonNode? ops, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        caller.Require(Permissions.RunsWrite);
        var anchor = await GetAsync(caller, id, cancellationToken).ConfigureAwait(false);
        var source = anchor.Attachments.LastOrDefault(a => a.Attachment.DetachedAt is null && AssetKind.IsRaw(a.Asset.Kind)).Asset
            ?? throw new TesseraException(GuidesErrorCodes.AnchorHasNoScreenshot, 409,
                "The anchor has no frame or uploaded screenshot attached to draw on: replace its screenshot with one of the job's frames, or attach an upload, first.");
        var parsed = AnnotationOps.Parse(ops, source.Width, source.Height);
        var hash = AnnotationOps.Hash(source.Sha256, parsed);
        GuideAsset? render;
        await using (var c = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
            render = await AnchorRows.FindRenderAsync(c, null, source.Id, hash, cancellationToken).ConfigureAwait(false);
        var created = render is null;
        if (render is null)
        {
            // Drawn and stored before any row is written: a render that fails leaves nothing behind but, at most, an unreferenced blob the sweeper removes.
            var png = renderer.Render(await ReadAsync(source.Sha256, cancellationToken).ConfigureAwait(false), parsed);
            var blob = await blobs.PutAsync(new MemoryStream(png), cancellationToken).ConfigureAwait(false);
            var now = time.GetUtcNow();
            var fresh = new GuideAsset
            {
                Id = Guid.CreateVersion7(now), JobId = source.JobId, OrgId = caller.OrgId, UserId = caller.UserId, Kind = AssetKind.Annotated, Sha256 = blob.Sha256,
                SourceAssetId = source.Id, OpsHash = hash, Ops = AnnotationOps.Canonical(parsed), Width = source.Width, Height = source.Height, CreatedAt = now,
            };
            await using var c = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            created = await AnchorRows.TryInsertAssetAsync(c, null, fresh, cancellationToken).ConfigureAwait(false);
            render = created ? fresh : await AnchorRows.FindRenderAsync(c, null, source.Id, hash, cancellationToken).ConfigureAwait(false);
        }
        var view = anchor.Active?.Id == render!.Id ? anchor : await AttachAsync(caller, id, render, cancellationToken).ConfigureAwait(false);
        return (view, render, created);
    }

    /// <summary>The caller's asset and its PNG.</summary>
    public async Task<(GuideAsset Asset, Stream Png)> ImageAsync(Principal caller, Guid assetId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        caller.Require(Permissions.RunsRead);
        GuideAsset asset;
        await using (var c = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
            asset = await AnchorRows.FindAssetAsync(c, caller.OrgId, caller.UserId, assetId, cancellationToken).ConfigureAwait(false) ?? throw TesseraException.NotFound();
        return (asset, await blobs.OpenReadAsync(asset.Sha256, cancellationToken).ConfigureAwait(false));
    }

    private async Task<AnchorView> AttachAsync(Principal caller, Guid id, GuideAsset asset, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var anchor = await database.InTransactionAsync(async (c, t) =>
        {
            var locked = await AnchorRows.FindAnchorAsync(c, t, database.Dialect, caller.OrgId, caller.UserId, id, cancellationToken).ConfigureAwait(false) ?? throw TesseraException.NotFound();
            // Already the active one (a replay, or a racing twin that attached it first): nothing to attach.
            var active = (await AnchorRows.AttachmentsAsync(c, t, id, cancellationToken).ConfigureAwait(false)).LastOrDefault(a => a.Attachment.DetachedAt is null).Asset;
            if (active?.Id != asset.Id) await AnchorRows.AttachAsync(c, t, id, asset.Id, now, cancellationToken).ConfigureAwait(false);
            return locked;
        }, cancellationToken).ConfigureAwait(false);
        return await ViewAsync(anchor, cancellationToken).ConfigureAwait(false);
    }

    private async Task<(Instruction Instruction, InstructionVersion Version)> CurrentAsync(Principal caller, Guid instructionId, CancellationToken cancellationToken)
    {
        await using var c = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var instruction = await InstructionRows.FindAsync(c, null, database.Dialect, caller.OrgId, caller.UserId, instructionId, cancellationToken).ConfigureAwait(false) ?? throw TesseraException.NotFound();
        return (instruction, (await InstructionRows.FindVersionAsync(c, instruction.Id, instruction.CurrentVersion, cancellationToken).ConfigureAwait(false))!);
    }

    /// <summary>The job's frame as an asset, made on first use (its size read from the PNG).</summary>
    private async Task<GuideAsset> FrameAssetAsync(Principal caller, Guid jobId, string sha256, CancellationToken cancellationToken)
    {
        await using (var c = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
            if (await AnchorRows.FindRawAssetAsync(c, null, jobId, AssetKind.Frame, sha256, cancellationToken).ConfigureAwait(false) is { } existing) return existing;
        var (width, height) = AnnotationRenderer.SizeOf(await ReadAsync(sha256, cancellationToken).ConfigureAwait(false));
        var now = time.GetUtcNow();
        var asset = new GuideAsset
        {
            Id = Guid.CreateVersion7(now), JobId = jobId, OrgId = caller.OrgId, UserId = caller.UserId, Kind = AssetKind.Frame, Sha256 = sha256, Width = width, Height = height, CreatedAt = now,
        };
        await using (var c = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
        {
            if (await AnchorRows.TryInsertAssetAsync(c, null, asset, cancellationToken).ConfigureAwait(false)) return asset;
            return (await AnchorRows.FindRawAssetAsync(c, null, jobId, AssetKind.Frame, sha256, cancellationToken).ConfigureAwait(false))!;
        }
    }

    private async Task<string?> JobArtifactsAsync(Guid jobId, CancellationToken cancellationToken)
    {
        await using var c = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return (await GuideRows.FindJobByIdAsync(c, null, database.Dialect, jobId, cancellationToken).ConfigureAwait(false))?.Artifacts;
    }

    private static void RequireJobFrame(string? artifacts, string? frameSha256)
    {
        if (frameSha256 is null || !InstructionService.Frames(artifacts).ContainsKey(frameSha256))
            throw TesseraException.Validation("frame_sha256 must be one of the job's frames (its artifacts list them).");
    }

    private async Task<byte[]> ReadAsync(string sha256, CancellationToken cancellationToken)
    {
        await using var stream = await blobs.OpenReadAsync(sha256, cancellationToken).ConfigureAwait(false);
        using var bytes = new MemoryStream();
        await stream.CopyToAsync(bytes, cancellationToken).ConfigureAwait(false);
        return bytes.ToArray();
    }

    private async Task<AnchorView> ViewAsync(GuideAnchor anchor, CancellationToken cancellationToken)
    {
        await using var c = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return new AnchorView(anchor, await AnchorRows.AttachmentsAsync(c, null, anchor.Id, cancellationToken).ConfigureAwait(false));
    }
}
