using Tessera.Core.Errors;
using Tessera.Core.Identity;
using Tessera.Data;
using Tessera.Traces.Formats;
using Tessera.Traces.Ingest;
using Tessera.Traces.Pipeline;
using Tessera.Traces.Sources;
using Tessera.Traces.Storage;

namespace Tessera.Traces.Records;

/// <summary>The pipeline's state for an organization: whether the watcher runs, whether one of its batches is in progress, and each source's files, records and problems.</summary>
internal sealed class TracesHealthService(TesseraDatabase database, TracesPipelineState pipeline, TracesBatchGate batches)
{
    public sealed record SourceState(TraceSource Source, long FilesProcessed, long FilesIncomplete, long FilesFailed, long Records, long Problems, DateTimeOffset? LastProcessedAt);

    public sealed record Health(bool PipelineRunning, bool BatchInProgress, IReadOnlyList<SourceState> Sources);

    /// <summary>One file's skipped lines (line number and reason), as ingestion recorded them.</summary>
    public sealed record FileProblems(string FilePath, string State, IReadOnlyList<TraceProblem> Problems);

    public async Task<Health> GetAsync(Principal owner, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(owner);
        owner.Require(Permissions.RunsRead);
        await using var c = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var sources = await TraceSourceRows.ListAsync(c, owner.OrgId, cancellationToken).ConfigureAwait(false);
        var counts = (await FileRows.CountsAsync(c, owner.OrgId, cancellationToken).ConfigureAwait(false)).ToDictionary(r => r.SourceId);
        return new Health(
            pipeline.Running,
            batches.IsBusy(owner.OrgId),
            [.. sources.Select(s => counts.TryGetValue(s.Id, out var n)
                ? new SourceState(s, n.Processed, n.Incomplete, n.Failed, n.Records, n.Problems, n.LastProcessedAt)
                : new SourceState(s, 0, 0, 0, 0, 0, null))]);
    }

    /// <summary>The source's files that had lines skipped, by path; another organization's source is not found.</summary>
    public async Task<IReadOnlyList<FileProblems>> ProblemsAsync(Principal owner, Guid sourceId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(owner);
        owner.Require(Permissions.RunsRead);
        await using var c = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        _ = await TraceSourceRows.FindAsync(c, owner.OrgId, sourceId, cancellationToken).ConfigureAwait(false) ?? throw TesseraException.NotFound("source");
        var files = await FileRows.WithProblemsAsync(c, owner.OrgId, sourceId, cancellationToken).ConfigureAwait(false);
        return [.. files.Select(f => new FileProblems(f.Path, f.State, ProblemsColumn.Read(f.Problems)))];
    }
}
