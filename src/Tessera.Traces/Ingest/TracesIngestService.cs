using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Tessera.Data;
using Tessera.Traces.Formats;
using Tessera.Traces.Pipeline;
using Tessera.Traces.Sources;
using Tessera.Traces.Storage;

namespace Tessera.Traces.Ingest;

/// <summary>
/// The one discovery routine, called by the poll, by file events, by the CLI and by tests: matches the source's
/// glob, leaves files that changed within the debounce, reads the others with their format adapter, stores the
/// records of complete runs (only ids not stored yet, so a grown file adds only its new records), embedded in
/// batches, each batch in one transaction under the organization's <see cref="TracesBatchGate"/>, then tells the
/// <see cref="ITracesBatchListener"/>s. A source never runs twice at once in this process.
/// </summary>
internal sealed class TracesIngestService(
    TesseraDatabase database,
    TracesEmbedderChoice embedders,
    FileStability stability,
    TracesBatchGate gate,
    IEnumerable<ITracesBatchListener> listeners,
    TracesSettings settings,
    TimeProvider time,
    ILogger<TracesIngestService> logger)
{
    private readonly ConcurrentDictionary<Guid, SemaphoreSlim> running = new();
    private readonly IReadOnlyList<ITracesBatchListener> listeners = listeners.ToList();

    /// <summary>Whether a pass over any source is in progress.</summary>
    public bool AnyRunning => !running.IsEmpty && running.Values.Any(s => s.CurrentCount == 0);

    public async Task<IngestReport> DiscoverAsync(TraceSource source, IProgress<IngestProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        var slot = running.GetOrAdd(source.Id, _ => new SemaphoreSlim(1, 1));
        await slot.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var started = time.GetTimestamp();
            var report = await PassAsync(source, progress, cancellationToken).ConfigureAwait(false);
            return report with { WallSeconds = time.GetElapsedTime(started).TotalSeconds };
        }
        finally
        {
            slot.Release();
        }
    }

    private async Task<IngestReport> PassAsync(TraceSource source, IProgress<IngestProgress>? progress, CancellationToken cancellationToken)
    {
        var paths = SourceFiles.Match(source.Path, source.Glob);
        Dictionary<string, TraceFileRow> known;
        await using (var c = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
        {
            known = await FileRows.ListAsync(c, source.Id, cancellationToken).ConfigureAwait(false);
        }

        var report = new IngestReport { FilesSeen = paths.Count };
        var complete = new List<ReadFile>();
        foreach (var path in paths)
        {
            var info = new FileInfo(Path.Combine(source.Path, path));
            if (!info.Exists) continue;
            var modified = Microseconds(new DateTimeOffset(info.LastWriteTimeUtc, TimeSpan.Zero));
            known.TryGetValue(path, out var row);
            // Unchanged since it was last read: nothing new can be in it.
            if (row is not null && row.SizeBytes == info.Length && Microseconds(row.ModifiedAt) == modified) continue;
            if (!stability.IsStable(source.Id, path, info.Length, modified, TimeSpan.FromMilliseconds(source.DebounceMs)))
            {
                report = report with { FilesWaiting = report.FilesWaiting + 1 };
                continue;
            }
            var format = TraceFormats.For(source.Format, path);
            if (format is null) continue;
            var read = await ReadAsync(source, format, path, info, modified, row, cancellationToken).ConfigureAwait(false);
            stability.Forget(source.Id, path);
            if (read.Row.State == "processed")
            {
                complete.Add(read);
                continue;
            }
            await database.InTransactionAsync((c, t) => FileRows.UpsertAsync(c, t, read.Row, cancellationToken), cancellationToken).ConfigureAwait(false);
            report = read.Row.State == "failed"
                ? report with { FilesFailed = report.FilesFailed + 1, Problems = report.Problems + read.Row.SkippedLines }
                : report with { FilesIncomplete = report.FilesIncomplete + 1 };
        }
        return complete.Count == 0 ? report : report.Add(await StoreAsync(source, complete, progress, cancellationToken).ConfigureAwait(false));
    }

    private async Task<ReadFile> ReadAsync(
        TraceSource source, ITraceFormat format, string path, FileInfo info, DateTimeOffset modified, TraceFileRow? previous, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var row = new TraceFileRow
        {
            SourceId = source.Id, Path = path, Format = format.Name, SizeBytes = info.Length, ModifiedAt = modified,
            FirstSeenAt = previous?.FirstSeenAt ?? now, ProcessedAt = previous?.ProcessedAt,
        };
        TraceFileRead read;
        try
        {
            // Another process may be appending: share the file for writing and read what is there now.
            await using var stream = new FileStream(info.FullName, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 16, useAsync: true);
            read = await format.ReadAsync(stream, path, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TracesLog.FileFailed(logger, source.Id, path, e.Message);
            var problem = new TraceProblem(0, $"{TracesErrorCodes.ReadFailed}: {e.Message}");
            return new ReadFile(row with { State = "failed", SkippedLines = 1, Problems = ProblemsColumn.Write([problem]) }, null, [problem]);
        }
        var problems = read.Problems.ToList();
        row = row with
        {
            State = read.Complete ? "processed" : "incomplete",
            BytesRead = read.BytesConsumed,
            LinesRead = read.LinesConsumed,
            SkippedLines = problems.Count,
            Problems = ProblemsColumn.Write(problems),
        };
        return new ReadFile(row, read, problems);
    }

    /// <summary>Embeds and stores complete files, several to a batch (a file is never split across two).</summary>
    private async Task<IngestReport> StoreAsync(TraceSource source, List<ReadFile> files, IProgress<IngestProgress>? progress, CancellationToken cancellationToken)
    {
        var embedderName = embedders.Resolve(source.Embedder);
        var embedder = await embedders.GetAsync(embedderName, cancellationToken).ConfigureAwait(false);
        var identity = new TracesEmbedderIdentity(embedder.Descriptor.Name, embedder.Descriptor.ModelHash, embedder.Descriptor.Dimension);

        // Only the records not stored yet: a grown file is re-read whole and adds its new entries.
        var pending = new List<(ReadFile File, List<TraceEntry> Entries)>();
        await using (var c = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
        {
            foreach (var file in files)
            {
                var ids = file.Read!.Entries.Select(e => TraceRecordId.For(file.Row.Path, e.Iteration, e.IdxInIteration)).ToList();
                var existing = await RecordRows.ExistingIdsAsync(c, database.Dialect, source.OrgId, ids, cancellationToken).ConfigureAwait(false);
                var seen = new HashSet<string>(existing, StringComparer.Ordinal);
                // An adapter that repeats an (iteration, index) pair gives one record: the first.
                pending.Add((file, file.Read.Entries.Where((e, i) => seen.Add(ids[i])).ToList()));
            }
        }

        var total = pending.Sum(p => p.Entries.Count);
        var report = new IngestReport();
        var embedded = 0;
        progress?.Report(new IngestProgress(0, total));
        var batch = new List<(ReadFile File, List<TraceEntry> Entries)>();
        foreach (var item in pending)
        {
            batch.Add(item);
            if (batch.Sum(b => b.Entries.Count) < settings.BatchRecords && item != pending[^1]) continue;
            var stored = await StoreBatchAsync(source, embedder, identity, batch, cancellationToken).ConfigureAwait(false);
            report = report.Add(stored);
            embedded += batch.Sum(b => b.Entries.Count);
            progress?.Report(new IngestProgress(embedded, total));
            batch = [];
        }
        return report;
    }

    private async Task<IngestReport> StoreBatchAsync(
        TraceSource source, Inference.Embeddings.ITesseraEmbedder embedder, TracesEmbedderIdentity identity,
        List<(ReadFile File, List<TraceEntry> Entries)> batch, CancellationToken cancellationToken)
    {
        var entries = batch.SelectMany(b => b.Entries.Select(e => (b.File, Entry: e))).ToList();
        var (outcomes, inEmbedder) = await RecordEmbedding.EmbedAsync(embedder, entries.Select(e => e.Entry.Text).ToList(), settings.EmbedChunk, time, cancellationToken).ConfigureAwait(false);

        var records = new List<NewTraceRecord>(entries.Count);
        var skipped = new Dictionary<string, List<TraceProblem>>(StringComparer.Ordinal);
        for (var i = 0; i < entries.Count; i++)
        {
            var (file, entry) = entries[i];
            if (outcomes[i].Vector is { } vector)
            {
                records.Add(new NewTraceRecord(TraceRecordId.For(file.Row.Path, entry.Iteration, entry.IdxInIteration), source.Id, file.Row.Path, entry, vector));
                continue;
            }
            TracesLog.RecordSkipped(logger, source.Id, file.Row.Path, entry.Line, outcomes[i].Failure!);
            if (!skipped.TryGetValue(file.Row.Path, out var list)) skipped[file.Row.Path] = list = [];
            list.Add(new TraceProblem(entry.Line, $"{TracesErrorCodes.EmbeddingFailed}: {outcomes[i].Failure}"));
        }

        var now = time.GetUtcNow();
        var rows = batch.Select(b =>
        {
            var problems = b.File.Problems.Concat(skipped.GetValueOrDefault(b.File.Row.Path) ?? []).ToList();
            return b.File.Row with
            {
                RecordCount = (b.File.Read?.Entries.Count ?? 0) - (skipped.GetValueOrDefault(b.File.Row.Path)?.Count ?? 0),
                SkippedLines = problems.Count,
                Problems = ProblemsColumn.Write(problems),
                ProcessedAt = now,
            };
        }).ToList();

        int added;
        using (await gate.EnterAsync(source.OrgId, cancellationToken).ConfigureAwait(false))
        {
            added = await database.InTransactionAsync(async (c, t) =>
            {
                var count = await RecordRows.InsertAsync(c, t, database.Dialect, source.OrgId, identity, records, now, cancellationToken).ConfigureAwait(false);
                foreach (var row in rows) await FileRows.UpsertAsync(c, t, row, cancellationToken).ConfigureAwait(false);
                return count;
            }, cancellationToken).ConfigureAwait(false);
            if (added > 0)
            {
                foreach (var listener in listeners) await listener.BatchStoredAsync(source.OrgId, cancellationToken).ConfigureAwait(false);
            }
        }
        var problemCount = rows.Sum(r => r.SkippedLines);
        TracesLog.BatchStored(logger, source.Id, added, rows.Count, problemCount);
        return new IngestReport { FilesProcessed = rows.Count, RecordsAdded = added, Problems = problemCount, EmbedSeconds = inEmbedder.TotalSeconds };
    }


    /// <summary>Instants as PostgreSQL keeps them, so a stored modification time compares equal to the file's.</summary>
    private static DateTimeOffset Microseconds(DateTimeOffset value) => new(value.UtcTicks - value.UtcTicks % 10, TimeSpan.Zero);

    private sealed record ReadFile(TraceFileRow Row, TraceFileRead? Read, IReadOnlyList<TraceProblem> Problems);
}
