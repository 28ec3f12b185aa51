namespace Tessera.Traces.Storage;

/// <summary>
/// What ingestion knows of one file of a source: its size and modification time when it was last read, how far it
/// was read, how many records it gave, and the problems found (JSON list of {line, reason}).
/// </summary>
internal sealed record TraceFileRow
{
    public Guid SourceId { get; init; }
    public string Path { get; init; } = "";
    public string Format { get; init; } = "";

    /// <summary><c>incomplete</c> (the run has not finished), <c>processed</c>, or <c>failed</c> (unreadable).</summary>
    public string State { get; init; } = "";

    public long SizeBytes { get; init; }
    public DateTimeOffset ModifiedAt { get; init; }
    public long BytesRead { get; init; }
    public int LinesRead { get; init; }
    public int RecordCount { get; init; }
    public int SkippedLines { get; init; }
    public string? Problems { get; init; }
    public DateTimeOffset FirstSeenAt { get; init; }
    public DateTimeOffset? ProcessedAt { get; init; }
}
