namespace Tessera.Guides.Screenshots;

/// <summary>
/// Frames taken from a job's video at <see cref="TimestampsMs"/> (JSON, sorted): QUEUED (its engine job queued),
/// RUNNING, SUCCEEDED with a frame asset per time, or FAILED with the reason. <see cref="ExtractionKey"/> is the hash
/// of the job and the times, so the same request finds this task again.
/// </summary>
internal sealed record ScreenshotTask
{
    public Guid Id { get; init; }
    public Guid JobId { get; init; }
    public Guid OrgId { get; init; }
    public Guid UserId { get; init; }
    public string ExtractionKey { get; init; } = "";
    public string TimestampsMs { get; init; } = "[]";
    public string Status { get; init; } = ScreenshotTaskStatus.Queued;
    public Guid? EngineJobId { get; init; }
    public string? FailureCode { get; init; }
    public string? FailureMessage { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
    public DateTimeOffset? CompletedAt { get; init; }
}

internal static class ScreenshotTaskStatus
{
    public const string Queued = "QUEUED";
    public const string Running = "RUNNING";
    public const string Succeeded = "SUCCEEDED";
    public const string Failed = "FAILED";

    public static bool IsOpen(string status) => status is Queued or Running;
}

/// <summary>The frame asset a task took at <see cref="TimestampMs"/>.</summary>
internal sealed record ScreenshotShot
{
    public long TimestampMs { get; init; }
    public Guid AssetId { get; init; }
}

/// <summary>
/// A screenshot a user uploaded for a job: the bytes as sent (<see cref="Sha256"/>), and once confirmed the asset made
/// of them (<see cref="AssetId"/>, kind upload).
/// </summary>
internal sealed record ScreenshotUpload
{
    public Guid Id { get; init; }
    public Guid JobId { get; init; }
    public Guid OrgId { get; init; }
    public Guid UserId { get; init; }
    public string Sha256 { get; init; } = "";
    public long SizeBytes { get; init; }
    public Guid? AssetId { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? ConfirmedAt { get; init; }
}
