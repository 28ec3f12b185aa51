namespace Tessera.Traces.Ingest;

/// <summary>What one discovery pass over a source did.</summary>
internal sealed record IngestReport
{
    /// <summary>Files the glob matched.</summary>
    public int FilesSeen { get; init; }

    /// <summary>Files read to a complete run and stored this pass.</summary>
    public int FilesProcessed { get; init; }

    /// <summary>Files read whose run has not finished yet; read again once they change.</summary>
    public int FilesIncomplete { get; init; }

    /// <summary>Files that changed within the debounce, left for a later pass.</summary>
    public int FilesWaiting { get; init; }

    public int FilesFailed { get; init; }

    public int RecordsAdded { get; init; }

    /// <summary>Lines skipped: unparseable, or a record that could not be embedded.</summary>
    public int Problems { get; init; }

    /// <summary>Seconds spent inside the embedder's calls; the rest of <see cref="WallSeconds"/> is reading, storing, projecting and writing.</summary>
    public double EmbedSeconds { get; init; }

    /// <summary>Seconds the pass took, from listing the files to the last batch's listeners returning.</summary>
    public double WallSeconds { get; init; }

    public IngestReport Add(IngestReport other) => new()
    {
        FilesSeen = FilesSeen + other.FilesSeen,
        FilesProcessed = FilesProcessed + other.FilesProcessed,
        FilesIncomplete = FilesIncomplete + other.FilesIncomplete,
        FilesWaiting = FilesWaiting + other.FilesWaiting,
        FilesFailed = FilesFailed + other.FilesFailed,
        RecordsAdded = RecordsAdded + other.RecordsAdded,
        Problems = Problems + other.Problems,
        EmbedSeconds = EmbedSeconds + other.EmbedSeconds,
        WallSeconds = WallSeconds + other.WallSeconds,
    };
}

/// <summary>Progress of a pass: records embedded so far out of those found new.</summary>
internal readonly record struct IngestProgress(int Embedded, int Total);
