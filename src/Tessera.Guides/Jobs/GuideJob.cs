namespace Tessera.Guides.Jobs;

/// <summary>A project: the videos of one product or topic, and their jobs.</summary>
internal sealed record GuideProject
{
    public Guid Id { get; init; }
    public Guid OrgId { get; init; }
    public Guid UserId { get; init; }
    public string Name { get; init; } = "";
    public DateTimeOffset CreatedAt { get; init; }
}

/// <summary>
/// One video turned into instructions. <see cref="Status"/> follows <see cref="GuideJobStatus"/>; <see cref="EngineJobId"/>
/// is the job engine's job that processes it (set once, when it is run); <see cref="Checkpoint"/> is the last stage
/// whose output is stored, so a retry resumes after it; <see cref="LastSequence"/> is the highest callback sequence applied.
/// </summary>
internal sealed record GuideJob
{
    public Guid Id { get; init; }
    public Guid ProjectId { get; init; }
    public Guid OrgId { get; init; }
    public Guid UserId { get; init; }
    public string Status { get; init; } = GuideJobStatus.Created;
    public string? VideoUri { get; init; }
    public string? VideoSha256 { get; init; }
    public Guid? EngineJobId { get; init; }
    public Guid? RetryOf { get; init; }
    public string? Checkpoint { get; init; }
    public string? FailureCode { get; init; }
    public string? FailureMessage { get; init; }

    /// <summary>JSON: what processing stored (duration, frames with their times and blobs, audio).</summary>
    public string? Artifacts { get; init; }

    /// <summary>JSON: the transcript's recognizer and segments, once transcribed.</summary>
    public string? Transcript { get; init; }

    public long LastSequence { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>A recorded status change.</summary>
internal sealed record GuideJobTransition
{
    public Guid JobId { get; init; }
    public int Seq { get; init; }
    public string FromStatus { get; init; } = "";
    public string ToStatus { get; init; } = "";
    public string Actor { get; init; } = "";
    public string? Reason { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
}

/// <summary>An accepted worker callback.</summary>
internal sealed record CallbackEvent
{
    public Guid JobId { get; init; }
    public string EventId { get; init; } = "";
    public string PayloadSha256 { get; init; } = "";
    public long Sequence { get; init; }
    public string Status { get; init; } = "";
    public DateTimeOffset CreatedAt { get; init; }
}
