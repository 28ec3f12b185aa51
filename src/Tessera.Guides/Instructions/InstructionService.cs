using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Tessera.Core.Errors;
using Tessera.Core.Identity;
using Tessera.Data;
using Tessera.Guides.Storage;

namespace Tessera.Guides.Instructions;

/// <summary>An edited step as the editor sends it: a kept step names its <see cref="Id"/>, a new one none.</summary>
internal sealed record BlockEdit(string? Id, string? Text, string? FrameSha256);

/// <summary>
/// Reading and saving a job's instructions. A save names the version it started from (<c>base_version</c>): when
/// another save came first it is a 409 <c>VERSION_CONFLICT</c> with the current version, and nothing is written;
/// otherwise the edit becomes the next immutable version, validated (steps without a screenshot need review). A kept
/// step keeps its narration window; a screenshot must be one of the job's frames.
/// </summary>
internal sealed partial class InstructionService(TesseraDatabase database, TimeProvider time)
{
    public const int MaxBlocks = 500;
    public const int MaxTextLength = 2000;
    public const string SourceWriter = "writer";
    public const string SourceEditor = "editor";

    public async Task<(Instruction Instruction, InstructionVersion Version)> ForJobAsync(Principal caller, Guid jobId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        caller.Require(Permissions.RunsRead);
        await using var c = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var job = await GuideRows.FindJobAsync(c, null, database.Dialect, caller.OrgId, caller.UserId, jobId, cancellationToken).ConfigureAwait(false) ?? throw TesseraException.NotFound();
        var instruction = await InstructionRows.FindForJobAsync(c, caller.OrgId, caller.UserId, jobId, cancellationToken).ConfigureAwait(false)
            ?? throw new TesseraException(GuidesErrorCodes.InstructionsNotReady, 409, $"The job is {job.Status}: its instructions are not drafted yet.") { Extensions = { ["job_status"] = job.Status } };
        return (instruction, (await InstructionRows.FindVersionAsync(c, instruction.Id, instruction.CurrentVersion, cancellationToken).ConfigureAwait(false))!);
    }

    public async Task<(Instruction Instruction, InstructionVersion Version)> GetAsync(Principal caller, Guid id, int? version, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        caller.Require(Permissions.RunsRead);
        await using var c = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var instruction = await InstructionRows.FindAsync(c, null, database.Dialect, caller.OrgId, caller.UserId, id, cancellationToken).ConfigureAwait(false) ?? throw TesseraException.NotFound();
        var found = await InstructionRows.FindVersionAsync(c, id, version ?? instruction.CurrentVersion, cancellationToken).ConfigureAwait(false)
            ?? throw new TesseraException(ErrorCodes.ResourceNotFound, 404, $"The instructions have versions 1 to {instruction.CurrentVersion}.");
        return (instruction, found);
    }

    public async Task<(Instruction Instruction, InstructionVersion Version)> SaveAsync(
        Principal caller, Guid id, int? baseVersion, IReadOnlyList<BlockEdit>? edits, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        caller.Require(Permissions.RunsWrite);
        if (baseVersion is not { } from || from < 1) throw TesseraException.Validation("base_version must name the version the edit started from (1 or more).");
        if (edits is null || edits.Count > MaxBlocks) throw TesseraException.Validation($"blocks must list the steps, at most {MaxBlocks}.");
        var now = time.GetUtcNow();
        return await database.InTransactionAsync(async (c, t) =>
        {
            var instruction = await InstructionRows.FindAsync(c, t, database.Dialect, caller.OrgId, caller.UserId, id, cancellationToken).ConfigureAwait(false) ?? throw TesseraException.NotFound();
            if (from != instruction.CurrentVersion)
                throw new TesseraException(ErrorCodes.VersionConflict, 409,
                    $"The instructions are at version {instruction.CurrentVersion}, not {from}: load them again and redo the edit.") { Extensions = { ["current_version"] = instruction.CurrentVersion } };
            var job = (await GuideRows.FindJobByIdAsync(c, null, database.Dialect, instruction.JobId, cancellationToken).ConfigureAwait(false))!;
            var current = await InstructionRows.FindVersionAsync(c, id, from, cancellationToken).ConfigureAwait(false);
            var blocks = Apply(InstructionBlock.Parse(current!.Blocks).ToDictionary(b => b.Id, StringComparer.Ordinal), Frames(job.Artifacts), edits);
            var (status, issues) = InstructionValidation.Of(blocks, []);
            var version = new InstructionVersion
            {
                InstructionId = id, Version = from + 1, Blocks = InstructionBlock.Serialize(blocks), Source = SourceEditor, ValidationStatus = status,
                ValidationIssues = JsonSerializer.Serialize(issues), CreatedAt = now,
            };
            await InstructionRows.InsertVersionAsync(c, t, version, cancellationToken).ConfigureAwait(false);
            await InstructionRows.SetCurrentAsync(c, t, id, version.Version, now, cancellationToken).ConfigureAwait(false);
            // Each anchor is resolved against the new version in the same transaction: it is never behind the current one.
            await AnchorRows.ResolveAllAsync(c, t, id, version.Version, blocks, now, cancellationToken).ConfigureAwait(false);
            return (instruction with { CurrentVersion = version.Version, UpdatedAt = now }, version);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The frames processing kept for the job (from its artifacts): hash → time.</summary>
    public static Dictionary<string, double> Frames(string? artifacts) => Frames(artifacts is null ? null : JsonNode.Parse(artifacts));

    /// <summary>The frames an artifacts object lists: hash → time.</summary>
    public static Dictionary<string, double> Frames(JsonNode? artifacts)
    {
        var frames = new Dictionary<string, double>(StringComparer.Ordinal);
        if (artifacts?["frames"] is not JsonArray list) return frames;
        foreach (var frame in list)
            if (frame?["sha256"] is JsonValue sha && sha.TryGetValue<string>(out var sha256))
                frames[sha256] = frame["time_seconds"] is JsonValue t && t.TryGetValue<double>(out var seconds) ? seconds : 0;
        return frames;
    }

    private static List<InstructionBlock> Apply(Dictionary<string, InstructionBlock> before, Dictionary<string, double> frames, IReadOnlyList<BlockEdit> edits)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var blocks = new List<InstructionBlock>(edits.Count);
        foreach (var (edit, i) in edits.Select((e, i) => (e, i)))
        {
            var text = edit.Text?.Trim() ?? "";
            if (text.Length is 0 or > MaxTextLength) throw TesseraException.Validation($"blocks[{i}].text must hold 1 to {MaxTextLength} characters.");
            if (StepText.HoldsRefused(text))
                throw TesseraException.Validation($"blocks[{i}].text must not hold control characters (other than line breaks and tabs).");
            var blockId = edit.Id ?? "blk_" + Guid.NewGuid().ToString("N")[..12];
            if (!BlockIdPattern().IsMatch(blockId)) throw TesseraException.Validation($"blocks[{i}].id must be blk_ followed by 1 to 40 letters, digits, _ or -.");
            if (!seen.Add(blockId)) throw TesseraException.Validation($"blocks[{i}].id {blockId} appears twice.");
            double? frameTime = null;
            if (edit.FrameSha256 is { } sha256)
            {
                if (!frames.TryGetValue(sha256, out var time)) throw TesseraException.Validation($"blocks[{i}].frame_sha256 is not a frame of this job's video.");
                frameTime = time;
            }
            var kept = before.GetValueOrDefault(blockId);
            blocks.Add(new InstructionBlock(blockId, text, kept?.Start, kept?.End, edit.FrameSha256, frameTime));
        }
        return blocks;
    }

    [GeneratedRegex("^blk_[A-Za-z0-9_-]{1,40}$")]
    private static partial Regex BlockIdPattern();
}
