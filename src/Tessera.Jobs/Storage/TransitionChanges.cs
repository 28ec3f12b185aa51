namespace Tessera.Jobs.Storage;

/// <summary>What a state change writes besides the state itself.</summary>
internal sealed record TransitionChanges
{
    public static TransitionChanges None { get; } = new();

    /// <summary>Only the holder of this lease may make the change (every change a worker makes).</summary>
    public JobLease? Lease { get; init; }
    public string? Result { get; init; }
    public JobError? Error { get; init; }
    public DateTimeOffset? RunAt { get; init; }

    /// <summary>The event's message, e.g. why a step was skipped.</summary>
    public string? Message { get; init; }
}
