namespace Tessera.Guides.Regeneration;

/// <summary>
/// A request to write an instruction's steps again from the transcript, all of them or the selected blocks:
/// QUEUED (its engine job enqueued), RUNNING, SUCCEEDED with the version it made and its frozen provenance, or FAILED
/// with the reason. <see cref="ClientRequestId"/> makes a request replay-safe; <see cref="RequestHash"/> is what the
/// request asked (base version and selection), so the same id asking something else is refused.
/// </summary>
internal sealed record RegenerateTask
{
    public Guid Id { get; init; }
    public Guid InstructionId { get; init; }
    public Guid JobId { get; init; }
    public Guid OrgId { get; init; }
    public Guid UserId { get; init; }
    public string ClientRequestId { get; init; } = "";
    public string RequestHash { get; init; } = "";
    public int BaseVersion { get; init; }

    /// <summary>The selected block ids (JSON array), or null for every step.</summary>
    public string? BlockIds { get; init; }
    public string Status { get; init; } = RegenerateStatus.Queued;
    public Guid? EngineJobId { get; init; }
    public int? ResultVersion { get; init; }
    public string? Provenance { get; init; }
    public string? FailureCode { get; init; }
    public string? FailureMessage { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
    public DateTimeOffset? CompletedAt { get; init; }
}

internal static class RegenerateStatus
{
    public const string Queued = "QUEUED";
    public const string Running = "RUNNING";
    public const string Succeeded = "SUCCEEDED";
    public const string Failed = "FAILED";

    public static bool IsOpen(string status) => status is Queued or Running;
}
