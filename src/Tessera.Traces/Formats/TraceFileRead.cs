namespace Tessera.Traces.Formats;

/// <summary>
/// What reading one file gave. A file still being written is read only up to its last complete line
/// (<see cref="BytesConsumed"/>); <see cref="Complete"/> says whether the run it holds has finished by the format's
/// rule, and only complete runs are ingested.
/// </summary>
internal sealed record TraceFileRead(
    IReadOnlyList<TraceEntry> Entries,
    IReadOnlyList<TraceProblem> Problems,
    bool Complete,
    long BytesConsumed,
    int LinesConsumed);
