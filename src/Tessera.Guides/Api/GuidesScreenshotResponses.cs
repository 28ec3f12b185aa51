using System.Text.Json;
using Tessera.Guides.Anchors;
using Tessera.Guides.Screenshots;

namespace Tessera.Guides.Api;

/// <summary>Screenshots to take from the job's video: the times in milliseconds from its start, in any order, each once.</summary>
internal sealed record GuidesScreenshotRequest(List<long>? TimestampsMs);

/// <summary>A frame a task took: at <paramref name="TimestampMs"/>, the raw frame asset, fetched at <paramref name="Url"/>.</summary>
internal sealed record GuidesScreenshot(long TimestampMs, Guid AssetId, string Sha256, int Width, int Height, string Url);

/// <summary>
/// A screenshot task. <paramref name="Status"/>: QUEUED, RUNNING, SUCCEEDED (with <paramref name="Screenshots"/>, one
/// per time) or FAILED (with <paramref name="Failure"/>). <paramref name="ExtractionKey"/> is the hash of the job and
/// the sorted times: the same request finds this task again.
/// </summary>
internal sealed record GuidesScreenshotTask(
    Guid Id, Guid JobId, string ExtractionKey, IReadOnlyList<long> TimestampsMs, string Status, Guid? EngineJobId, GuidesFailure? Failure,
    IReadOnlyList<GuidesScreenshot> Screenshots, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset? CompletedAt)
{
    public static GuidesScreenshotTask From(ScreenshotTask t, IReadOnlyList<(long TimestampMs, GuideAsset Asset)> shots) => new(
        t.Id, t.JobId, t.ExtractionKey, JsonSerializer.Deserialize<long[]>(t.TimestampsMs)!, t.Status, t.EngineJobId,
        t.FailureCode is { } code ? new GuidesFailure(code, t.FailureMessage ?? code) : null,
        shots.Select(s => new GuidesScreenshot(s.TimestampMs, s.Asset.Id, s.Asset.Sha256, s.Asset.Width, s.Asset.Height, GuidesScreenshotEndpoints.AssetUrl(s.Asset.Id))).ToList(),
        t.CreatedAt, t.UpdatedAt, t.CompletedAt);
}

/// <summary>
/// A screenshot a user uploaded: the bytes as sent (<paramref name="Sha256"/>, <paramref name="SizeBytes"/>) and,
/// once <paramref name="Status"/> is CONFIRMED, the <paramref name="Asset"/> made of them (kind upload, stored as PNG).
/// </summary>
internal sealed record GuidesScreenshotUpload(
    Guid Id, Guid JobId, string Sha256, long SizeBytes, string Status, GuidesAsset? Asset, DateTimeOffset CreatedAt, DateTimeOffset? ConfirmedAt)
{
    public const string Uploaded = "UPLOADED";
    public const string Confirmed = "CONFIRMED";

    public static GuidesScreenshotUpload From(ScreenshotUpload u, GuideAsset? asset) => new(
        u.Id, u.JobId, u.Sha256, u.SizeBytes, u.AssetId is null ? Uploaded : Confirmed, asset is null ? null : GuidesAsset.From(asset), u.CreatedAt, u.ConfirmedAt);
}

/// <summary>A confirmed screenshot upload of the anchor's job to attach as its active screenshot.</summary>
internal sealed record GuidesAttachUploadRequest(Guid? UploadId);
