using Tessera.Traces.Records;
using Tessera.Traces.Sources;
using Tessera.Traces.Storage;

namespace Tessera.Traces.Api;

/// <summary>A record as the API shows it (the shared record JSON of the Traces parts).</summary>
internal sealed record TracesRecord(
    string Id, long Seq, Guid SourceId, string SourceName, string FilePath, int Line, int Iteration, int IdxInIteration, string Type, string Text,
    DateTimeOffset? Timestamp)
{
    public static TracesRecord From(TraceRecordRow r) =>
        new(r.Id, r.Seq, r.SourceId, r.SourceName, r.FilePath, r.Line, r.Iteration, r.IdxInIteration, r.Type, r.Text, r.Timestamp);
}

internal sealed record TracesRecordPage(IReadOnlyList<TracesRecord> Items, string? Next);

internal sealed record TracesSearchRequest(string? Query, int? K);

internal sealed record TracesSearchHit(TracesRecord Record, float Distance);

internal sealed record TracesSearchResponse(string Embedder, IReadOnlyList<TracesSearchHit> Results);

internal sealed record TracesSourceResponse(
    Guid Id, string Name, string Path, string Glob, string Format, string? Embedder, int PollSeconds, int DebounceMs, bool WatchEvents, bool Enabled,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static TracesSourceResponse From(TraceSource s) =>
        new(s.Id, s.Name, s.Path, s.Glob, s.Format, s.Embedder, s.PollSeconds, s.DebounceMs, s.WatchEvents, s.Enabled, s.CreatedAt, s.UpdatedAt);
}

internal sealed record TracesSourceState(
    Guid Id, string Name, bool Enabled, long FilesProcessed, long FilesIncomplete, long FilesFailed, long Records, long Problems, DateTimeOffset? LastProcessedAt)
{
    public static TracesSourceState From(TracesHealthService.SourceState s) =>
        new(s.Source.Id, s.Source.Name, s.Source.Enabled, s.FilesProcessed, s.FilesIncomplete, s.FilesFailed, s.Records, s.Problems, s.LastProcessedAt);
}

internal sealed record TracesHealth(bool PipelineRunning, bool BatchInProgress, IReadOnlyList<TracesSourceState> Sources);

/// <summary>A source's files with skipped lines.</summary>
internal sealed record TracesProblemsResponse(IReadOnlyList<TracesFileProblems> Files);

/// <summary>One file: its path in the source, its state (<c>processed</c>, <c>incomplete</c>, <c>failed</c>) and the lines skipped.</summary>
internal sealed record TracesFileProblems(string FilePath, string State, IReadOnlyList<TracesLineProblem> Problems);

/// <summary>A skipped line (0 when the whole file could not be read) and why.</summary>
internal sealed record TracesLineProblem(int Line, string Reason);
