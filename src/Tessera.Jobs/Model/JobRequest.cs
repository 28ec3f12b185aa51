using System.Text.Json.Nodes;

namespace Tessera.Jobs;

/// <summary>What to run: a registered kind and its input, with optional scheduling and retry settings.</summary>
public sealed record JobRequest(string Kind, JsonNode? Input)
{
    /// <summary>The same key from the same owner returns the existing job instead of a new one.</summary>
    public string? IdempotencyKey { get; init; }

    public const int MinPriority = -100;
    public const int MaxPriority = 100;

    /// <summary>The furthest ahead <see cref="RunAt"/> may lie.</summary>
    public static readonly TimeSpan MaxDelay = TimeSpan.FromDays(7);

    /// <summary>Higher runs first; from <see cref="MinPriority"/> to <see cref="MaxPriority"/>.</summary>
    public int Priority { get; init; }

    /// <summary>Not before this instant (delayed run, at most <see cref="MaxDelay"/> ahead); null runs as soon as a worker is free.</summary>
    public DateTimeOffset? RunAt { get; init; }

    /// <summary>Attempts before a transient error becomes a failure; null takes <c>jobs:max_attempts</c>.</summary>
    public int? MaxAttempts { get; init; }

    /// <summary>The first retry's delay, doubled per attempt; null takes <c>jobs:backoff_base_ms</c>.</summary>
    public TimeSpan? BackoffBase { get; init; }
}
