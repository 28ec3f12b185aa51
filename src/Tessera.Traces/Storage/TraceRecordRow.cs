namespace Tessera.Traces.Storage;

/// <summary>A stored record with its source's name, as the API shows it.</summary>
internal sealed record TraceRecordRow
{
    public long Seq { get; init; }
    public string Id { get; init; } = "";
    public Guid SourceId { get; init; }
    public string SourceName { get; init; } = "";
    public string FilePath { get; init; } = "";
    public int Line { get; init; }
    public int Iteration { get; init; }
    public int IdxInIteration { get; init; }
    public string Type { get; init; } = "";
    public string Text { get; init; } = "";
    public DateTimeOffset? Timestamp { get; init; }
}

/// <summary>A record ready to store: its entry, where it came from, and its vector.</summary>
internal sealed record NewTraceRecord(string Id, Guid SourceId, string FilePath, Formats.TraceEntry Entry, float[] Vector);

/// <summary>The embedder that made a vector: its name, model hash and dimension.</summary>
internal sealed record TracesEmbedderIdentity(string Name, string ModelHash, int Dimension);
