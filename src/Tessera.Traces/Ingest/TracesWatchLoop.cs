using Microsoft.Extensions.Logging;
using Tessera.Traces.Sources;

namespace Tessera.Traces.Ingest;

/// <summary>
/// Runs sources continuously: each on its poll interval, and sooner when a file event arrives (after the source's
/// debounce). Both triggers call the one discovery routine; a source has at most one pass in flight, and a pass that
/// left files waiting for the debounce is followed by another once the debounce has passed.
/// </summary>
internal sealed class TracesWatchLoop(TracesIngestService ingest, TimeProvider time, ILogger<TracesWatchLoop> logger)
{
    /// <summary>How often the loop looks for due sources (and for changes to the list).</summary>
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(250);

    /// <param name="sources">The sources to run now; asked again every <paramref name="refresh"/>.</param>
    /// <param name="refresh">How often the list of sources is read again.</param>
    /// <param name="onPass">Told after every pass (the CLI prints it).</param>
    /// <param name="cancellationToken">Stops the loop once the passes in flight end.</param>
    public async Task RunAsync(
        Func<CancellationToken, Task<IReadOnlyList<TraceSource>>> sources, TimeSpan refresh, Action<TraceSource, IngestReport>? onPass, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sources);
        var watched = new Dictionary<Guid, Watched>();
        var refreshedAt = DateTimeOffset.MinValue;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var now = time.GetUtcNow();
                if (now - refreshedAt >= refresh)
                {
                    await RefreshAsync(watched, sources, cancellationToken).ConfigureAwait(false);
                    refreshedAt = now;
                }
                foreach (var entry in watched.Values)
                {
                    // The loop alone reads and writes an entry's schedule; a pass only answers when to come back.
                    if (entry.Pass is { IsCompleted: true } done)
                    {
                        entry.DueAt = now + await done.ConfigureAwait(false);
                        entry.Pass = null;
                    }
                    if (entry.Pass is null && (entry.DueAt <= now || entry.EventSettled(now)))
                    {
                        entry.ClearEvents();
                        entry.Pass = PassAsync(entry.Source, onPass, cancellationToken);
                    }
                }
                await Task.Delay(Tick, time, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            foreach (var entry in watched.Values) entry.Dispose();
            await Task.WhenAll(watched.Values.Select(w => w.Pass ?? Task.CompletedTask)).ConfigureAwait(false);
        }
    }

    /// <summary>One pass over a source; answers how long until the next.</summary>
    private async Task<TimeSpan> PassAsync(TraceSource source, Action<TraceSource, IngestReport>? onPass, CancellationToken cancellationToken)
    {
        await Task.Yield();
        var next = TimeSpan.FromSeconds(source.PollSeconds);
        try
        {
            var report = await ingest.DiscoverAsync(source, null, cancellationToken).ConfigureAwait(false);
            onPass?.Invoke(source, report);
            // Files still settling are looked at again as soon as their debounce may have passed.
            if (report.FilesWaiting > 0) next = TimeSpan.FromMilliseconds(Math.Max(source.DebounceMs, Tick.TotalMilliseconds));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
#pragma warning disable CA1031 // A failing pass must not stop the watcher; it is logged and retried on the next poll.
        catch (Exception e)
#pragma warning restore CA1031
        {
            TracesLog.DiscoveryFailed(logger, source.Id, e);
        }
        return next;
    }

    /// <summary>Reads the list again; while it cannot be read (the database away), the sources already watched go on.</summary>
    private async Task RefreshAsync(
        Dictionary<Guid, Watched> watched, Func<CancellationToken, Task<IReadOnlyList<TraceSource>>> sources, CancellationToken cancellationToken)
    {
        IReadOnlyList<TraceSource> current;
        try
        {
            current = await sources(cancellationToken).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // An unreadable list must not stop the watcher (nor, through it, the server); it is read again next time.
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
#pragma warning restore CA1031
        {
            TracesLog.SourcesUnreadable(logger, e);
            return;
        }
        Refresh(watched, current);
    }

    private void Refresh(Dictionary<Guid, Watched> watched, IReadOnlyList<TraceSource> current)
    {
        var ids = current.Select(s => s.Id).ToHashSet();
        foreach (var gone in watched.Values.Where(w => !ids.Contains(w.Source.Id) && w.Pass is null).ToList())
        {
            gone.Dispose();
            watched.Remove(gone.Source.Id);
        }
        foreach (var source in current)
        {
            if (watched.TryGetValue(source.Id, out var existing))
            {
                if (existing.Source == source) continue;
                if (existing.Pass is not null) continue;
                existing.Dispose();
            }
            watched[source.Id] = new Watched(source, time, StartEvents(source));
        }
    }

    /// <summary>File events for the source's folder (when it asks for them), each bringing its next pass forward to now + debounce.</summary>
    private FileSystemWatcher? StartEvents(TraceSource source)
    {
        if (!source.WatchEvents) return null;
        try
        {
            return new FileSystemWatcher(source.Path) { IncludeSubdirectories = true, NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.DirectoryName };
        }
        catch (Exception e) when (e is ArgumentException or IOException or PlatformNotSupportedException)
        {
            TracesLog.EventsUnavailable(logger, source.Id, source.Path, e.Message);
            return null;
        }
    }

    private sealed class Watched : IDisposable
    {
        private readonly FileSystemWatcher? events;
        private readonly TimeProvider time;
        private long eventTicks = long.MinValue;

        public Watched(TraceSource source, TimeProvider time, FileSystemWatcher? events)
        {
            Source = source;
            this.time = time;
            DueAt = time.GetUtcNow();
            this.events = events;
            if (events is null) return;
            events.Changed += OnEvent;
            events.Created += OnEvent;
            events.Renamed += OnEvent;
            events.EnableRaisingEvents = true;
        }

        public TraceSource Source { get; }

        /// <summary>When the next poll is due.</summary>
        public DateTimeOffset DueAt { get; set; }

        public Task<TimeSpan>? Pass { get; set; }

        /// <summary>Whether a file event arrived at least the debounce ago and no pass has run since it.</summary>
        public bool EventSettled(DateTimeOffset now)
        {
            var ticks = Interlocked.Read(ref eventTicks);
            return ticks != long.MinValue && now.UtcTicks - ticks >= TimeSpan.FromMilliseconds(Source.DebounceMs).Ticks;
        }

        /// <summary>Called as a pass starts: events before now are handled by it.</summary>
        public void ClearEvents() => Interlocked.Exchange(ref eventTicks, long.MinValue);

        // Every event restarts the debounce, so a burst of writes brings one pass, after the burst.
        private void OnEvent(object sender, FileSystemEventArgs e) => Interlocked.Exchange(ref eventTicks, time.GetUtcNow().UtcTicks);

        public void Dispose() => events?.Dispose();
    }
}
