namespace Tessera.Traces.Sources;

/// <summary>A watched folder of one organization: which files (glob, format), how they are embedded and how often they are looked at.</summary>
internal sealed record TraceSource
{
    public Guid Id { get; init; }
    public Guid OrgId { get; init; }
    public Guid UserId { get; init; }
    public string Name { get; init; } = "";

    /// <summary>The folder, absolute and normalized.</summary>
    public string Path { get; init; } = "";

    public string Glob { get; init; } = "**/*";
    public string Format { get; init; } = "auto";
    public string? Embedder { get; init; }
    public int PollSeconds { get; init; }
    public int DebounceMs { get; init; }
    public bool WatchEvents { get; init; }
    public bool Enabled { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
}
