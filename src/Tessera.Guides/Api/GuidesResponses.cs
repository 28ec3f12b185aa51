using System.Text.Json;
using System.Text.Json.Nodes;
using Tessera.Guides.Callbacks;
using Tessera.Guides.Exports;
using Tessera.Guides.Instructions;
using Tessera.Guides.Jobs;
using Tessera.Guides.Processing;
using Tessera.Platform.Downloads;

namespace Tessera.Guides.Api;

internal sealed record GuidesProjectRequest(string? Name);

internal sealed record GuidesProject(Guid Id, string Name, DateTimeOffset CreatedAt)
{
    public static GuidesProject From(GuideProject p) => new(p.Id, p.Name, p.CreatedAt);
}

/// <summary>A stored video: pass <paramref name="VideoUri"/> to confirm-upload.</summary>
internal sealed record GuidesUpload(string VideoUri, string Sha256, long SizeBytes);

internal sealed record GuidesConfirmUpload(string? VideoUri);

internal sealed record GuidesFailure(string Code, string Message);

/// <summary>
/// A guide job. <paramref name="Status"/>: CREATED, UPLOADED, QUEUED, PROCESSING, TRANSCRIBED, DRAFTED, DONE, FAILED,
/// CANCELLED. <paramref name="EngineJobId"/> is the job engine's processing job (<c>/api/v1/jobs/{id}</c>), set when it
/// is run; <paramref name="Checkpoint"/> the last stage whose output is stored; <paramref name="Artifacts"/> what
/// processing stored (duration, frames with their times and blob hashes, audio).
/// </summary>
internal sealed record GuidesJob(
    Guid Id, Guid ProjectId, string Status, string? VideoUri, Guid? EngineJobId, Guid? RetryOf, string? Checkpoint, GuidesFailure? Failure,
    JsonNode? Artifacts, long LastSequence, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static GuidesJob From(GuideJob j) => new(
        j.Id, j.ProjectId, j.Status, j.VideoUri, j.EngineJobId, j.RetryOf, j.Checkpoint,
        j.FailureCode is { } code ? new GuidesFailure(code, j.FailureMessage ?? code) : null,
        j.Artifacts is { } a ? JsonNode.Parse(a) : null, j.LastSequence, j.CreatedAt, j.UpdatedAt);
}

internal sealed record GuidesTransition(int Seq, string FromStatus, string ToStatus, string Actor, string? Reason, DateTimeOffset CreatedAt)
{
    public static GuidesTransition From(GuideJobTransition t) => new(t.Seq, t.FromStatus, t.ToStatus, t.Actor, t.Reason, t.CreatedAt);
}

/// <summary>A page of the transcript: segments from <paramref name="Offset"/>, <paramref name="Total"/> in all; <paramref name="NextOffset"/> null on the last page.</summary>
internal sealed record GuidesTranscriptPage(
    Guid JobId, string Recognizer, IReadOnlyList<GuidesTranscriptSegment> Segments, int Offset, int Limit, int Total, int? NextOffset);

/// <summary>A stretch of narration; <paramref name="Words"/> are its words' times when the recognizer gave them (null for subtitles).</summary>
internal sealed record GuidesTranscriptSegment(double Start, double End, string Text, IReadOnlyList<GuidesTranscriptWord>? Words)
{
    public static GuidesTranscriptSegment From(TranscriptSegment s) => new(s.Start, s.End, s.Text, s.Words?.Select(w => new GuidesTranscriptWord(w.Word, w.Start, w.End)).ToList());
}

internal sealed record GuidesTranscriptWord(string Word, double Start, double End);

/// <summary>
/// A worker's status update (read from the raw body, whose bytes are signed; this record documents it):
/// <paramref name="JobId"/> is the URL's job (the signature covers the body, not the URL); <paramref name="Sequence"/>
/// rises with every event of the job.
/// </summary>
internal sealed record GuidesCallbackRequest(Guid JobId, long Sequence, string Status, string? Checkpoint = null, JsonNode? Artifacts = null, GuidesFailure? Failure = null);

/// <summary>A step of the instructions; <paramref name="FrameSha256"/> is its screenshot, a frame of the video taken at <paramref name="FrameTimeSeconds"/>.</summary>
internal sealed record GuidesBlock(string Id, string Text, double? Start, double? End, string? FrameSha256, double? FrameTimeSeconds)
{
    public static GuidesBlock From(InstructionBlock b) => new(b.Id, b.Text, b.Start, b.End, b.FrameSha256, b.FrameTimeSeconds);
}

/// <summary>
/// A version of a job's instructions: <paramref name="Version"/> is this one, <paramref name="CurrentVersion"/> the one
/// a save must name as its base; <paramref name="Source"/> is writer or editor; <paramref name="ValidationStatus"/>
/// is valid or needs_review, with the issues.
/// </summary>
internal sealed record GuidesInstruction(
    Guid Id, Guid JobId, int Version, int CurrentVersion, string Source, string ValidationStatus, IReadOnlyList<string> ValidationIssues,
    IReadOnlyList<GuidesBlock> Blocks, DateTimeOffset CreatedAt)
{
    public static GuidesInstruction From(Instruction i, InstructionVersion v) => new(
        i.Id, i.JobId, v.Version, i.CurrentVersion, v.Source, v.ValidationStatus, JsonSerializer.Deserialize<List<string>>(v.ValidationIssues) ?? [],
        [.. InstructionBlock.Parse(v.Blocks).Select(GuidesBlock.From)], v.CreatedAt);
}

/// <summary>A step as the editor saves it: a kept step names its id (its narration window stays), a new one leaves it out.</summary>
internal sealed record GuidesBlockEdit(string Text, string? Id = null, string? FrameSha256 = null);

/// <summary>A save: the version the edit started from, and every step in order.</summary>
internal sealed record GuidesInstructionSave(int? BaseVersion, IReadOnlyList<GuidesBlockEdit>? Blocks);

/// <summary>A callback replayed: the event as first applied.</summary>
internal sealed record GuidesCallbackReplay(string EventId, long Sequence, string Status, bool Replayed)
{
    public static GuidesCallbackReplay From(CallbackReplay r) => new(r.EventId, r.Sequence, r.Status, r.Replayed);
}

/// <summary>An export request: <paramref name="Format"/> markdown, html, pdf or docx; <paramref name="InstructionVersion"/> left out for the current version.</summary>
internal sealed record GuidesExportRequest(string? Format, int? InstructionVersion = null);

/// <summary>
/// An export of one version of a job's instructions. <paramref name="Status"/>: REQUESTED, RUNNING, SUCCEEDED, FAILED.
/// <paramref name="Identity"/> is the hash of what it is made of (the same request finds it again);
/// <paramref name="Provenance"/> is frozen when it SUCCEEDED; <paramref name="DownloadUrl"/> is signed, given only
/// for a SUCCEEDED export, and stops working at <paramref name="DownloadExpiresAt"/>.
/// </summary>
internal sealed record GuidesExport(
    Guid Id, Guid JobId, Guid InstructionId, int InstructionVersion, string Format, string Identity, string Status, Guid? EngineJobId,
    string? BundleSha256, long? BundleBytes, JsonNode? Provenance, GuidesFailure? Failure, string? DownloadUrl, DateTimeOffset? DownloadExpiresAt,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset? CompletedAt)
{
    public static GuidesExport From(GuideExport e, SignedLink? download) => new(
        e.Id, e.JobId, e.InstructionId, e.InstructionVersion, e.Format, e.Identity, e.Status, e.EngineJobId, e.BundleSha256, e.BundleBytes,
        e.Provenance is { } p ? JsonNode.Parse(p) : null, e.FailureCode is { } code ? new GuidesFailure(code, e.FailureMessage ?? code) : null,
        download?.Url, download?.ExpiresAt, e.CreatedAt, e.UpdatedAt, e.CompletedAt);
}
