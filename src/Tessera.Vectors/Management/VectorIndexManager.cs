using Microsoft.Extensions.Logging;
using Tessera.Core.Errors;
using Tessera.Vectors.Hnsw;
using Tessera.Vectors.Snapshots;

namespace Tessera.Vectors.Management;

/// <summary>
/// Owns one collection's HNSW index: builds it in the background from a source delegate, writes the snapshot
/// atomically, then swaps the serving index in one reference write. Safe to call after every embedding job:
/// rebuild requests made while a build runs coalesce into one more build, and a failed or interrupted build
/// leaves the previous index (and snapshot file) serving while <see cref="Status"/> reports Degraded.
/// </summary>
public sealed class VectorIndexManager : IAsyncDisposable
{
    private readonly string _collection;
    private readonly string _snapshotPath;
    private readonly DistanceMetric _metric;
    private HnswOptions _options;
    private readonly Func<CancellationToken, Task<IndexSourceData>> _source;
    private readonly Func<ServingIndex, CancellationToken, Task<IndexSourceData?>>? _missing;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly int _buildThreads;
    private readonly CancellationTokenSource _shutdown = new();
    private readonly Lock _gate = new();

    private ServingIndex? _serving;
    private IndexStatus _status;
    private Task? _running;
    private TaskCompletionSource<IndexStatus>? _following;
    private bool _fullBuildAsked;
    private (string Path, long Through)? _adoption;

    /// <param name="collection">Name shown in logs and status.</param>
    /// <param name="snapshotPath">Where the serving index is persisted.</param>
    /// <param name="metric">Distance of the index.</param>
    /// <param name="options">HNSW parameters.</param>
    /// <param name="source">Reads the collection's current vectors; called once per build.</param>
    /// <param name="logger">Receives builds, swaps and failures.</param>
    /// <param name="time">Clock for status timestamps.</param>
    /// <param name="buildThreads">Insert threads per build (0: all cores).</param>
    /// <param name="missing">
    /// Reads only the vectors the serving index lacks (those above its <see cref="ServingIndex.Through"/>), or returns
    /// null when it cannot tell (then a full build runs). With it, a rebuild after new vectors adds them to the
    /// serving index instead of building everything again.
    /// </param>
    public VectorIndexManager(
        string collection, string snapshotPath, DistanceMetric metric, HnswOptions options,
        Func<CancellationToken, Task<IndexSourceData>> source, ILogger<VectorIndexManager> logger, TimeProvider time, int buildThreads = 0,
        Func<ServingIndex, CancellationToken, Task<IndexSourceData?>>? missing = null)
    {
        _missing = missing;
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _collection = collection;
        _snapshotPath = snapshotPath;
        _metric = metric;
        _options = options;
        _source = source ?? throw new ArgumentNullException(nameof(source));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _buildThreads = buildThreads;
        _status = new IndexStatus(collection, IndexHealth.Empty, 0, null, null, null, null, false);
    }

    /// <summary>The serving index, or null before the first load or build. Searches hold on to what they read.</summary>
    public HnswIndex? Current => Serving?.Index;

    /// <summary>The serving index with the highest source label it is known to cover, read as one value.</summary>
    public ServingIndex? Serving => Volatile.Read(ref _serving);

    /// <summary>Where the serving index is persisted.</summary>
    public string SnapshotPath => _snapshotPath;

    /// <summary>Health for <c>/readyz</c>: Degraded after a failed build or load, with the error.</summary>
    public IndexStatus Status => Volatile.Read(ref _status);

    /// <summary>Loads the persisted snapshot, if there is one. A bad file is logged and reported as Degraded.</summary>
    public bool TryLoadSnapshot() => File.Exists(_snapshotPath) && TryLoad(_snapshotPath, moveToSnapshot: false);

    /// <summary>
    /// Called after this manager saved a snapshot of a build or an update (not after loading one), with what now
    /// serves and where it was saved: how a deployment publishes snapshots to its other nodes. A failure is logged.
    /// </summary>
    public Func<ServingIndex, string, CancellationToken, Task>? SnapshotSaved { get; set; }

    /// <summary>
    /// Serves a snapshot file another process built (e.g. one published by another API node) in place of the current
    /// index, and moves the file in as this manager's snapshot. Runs in turn with builds (never during one); the task
    /// completes with the status afterwards. A file that covers no more of the source than the serving index
    /// (<paramref name="through"/>) is dropped. A bad file is logged and reported as Degraded; the current index stays.
    /// </summary>
    public Task<IndexStatus> RequestAdoption(string path, long through)
    {
        lock (_gate) _adoption = (path, through);
        return RequestRebuild();
    }

    private bool TryLoad(string path, bool moveToSnapshot)
    {
        try
        {
            HnswOptions configured;
            lock (_gate) configured = _options;
            var index = HnswSnapshot.Load(path, configured);
            if (moveToSnapshot && index.Options.Quantization != configured.Quantization)
            {
                // Another node, configured otherwise (a rolling change): adopting would only start a rebuild here.
                VectorIndexManagerLog.AdoptionSkipped(_logger, _collection, path, index.Options.Quantization, configured.Quantization);
                File.Delete(path);
                return false;
            }
            if (moveToSnapshot && Path.GetFullPath(path) != Path.GetFullPath(_snapshotPath)) File.Move(path, _snapshotPath, overwrite: true);
            // Labels only grow, so the largest one held is how far the snapshot covers its source.
            Swap(index, index.HighestLabel(), null);
            VectorIndexManagerLog.Loaded(_logger, _collection, index.Count, path);
            if (index.Options.Quantization != configured.Quantization)
            {
                // The configuration changed since the snapshot was built: it serves until a build with the new settings replaces it.
                VectorIndexManagerLog.SettingsChanged(_logger, _collection, index.Options.Quantization, configured.Quantization);
                if (!_shutdown.IsCancellationRequested) _ = RequestRebuild(full: true);
            }
            return true;
        }
        // TesseraException: the memory-mapped vector files could not be created.
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException or TesseraException)
        {
            VectorIndexManagerLog.LoadFailed(_logger, _collection, path, e);
            RecordFailure(e);
            return false;
        }
    }

    /// <summary>
    /// Asks for a rebuild and returns at once with a task that completes, with the resulting status, when a build
    /// that read the source after this call has finished. While a build runs, all requests share one follow-up build.
    /// The task never faults: failures show in the status. With <paramref name="full"/>, the build reads every vector
    /// again instead of adding only the missing ones to the serving index. With <paramref name="options"/>, that full
    /// build and every later one in this process use those parameters instead of the ones the manager was made with.
    /// </summary>
    public Task<IndexStatus> RequestRebuild(bool full = false, HnswOptions? options = null)
    {
        options?.Validate();
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_shutdown.IsCancellationRequested, this);
            if (options is not null) _options = options;
            _fullBuildAsked |= full || options is not null;
            if (_running is null)
            {
                var request = new TaskCompletionSource<IndexStatus>(TaskCreationOptions.RunContinuationsAsynchronously);
                SetRebuilding(true);
                _running = Task.Run(() => RunBuildsAsync(request));
                return request.Task;
            }
            // The running build may have read the source before the new embeddings landed: run once more after it.
            _following ??= new TaskCompletionSource<IndexStatus>(TaskCreationOptions.RunContinuationsAsynchronously);
            return _following.Task;
        }
    }

    /// <summary>Cancels a running build (the serving index stays) and waits for it to stop.</summary>
    public async ValueTask DisposeAsync()
    {
        Task? running;
        lock (_gate)
        {
            if (_shutdown.IsCancellationRequested) return;
            _shutdown.Cancel();
            running = _running;
        }
        if (running is not null) await running.ConfigureAwait(false);
        _shutdown.Dispose();
    }

    private async Task RunBuildsAsync(TaskCompletionSource<IndexStatus> request)
    {
        while (true)
        {
            await BuildOnceAsync().ConfigureAwait(false);
            TaskCompletionSource<IndexStatus>? next;
            TaskCompletionSource<IndexStatus>? abandoned = null;
            lock (_gate)
            {
                next = _following;
                _following = null;
                if (_shutdown.IsCancellationRequested)
                {
                    abandoned = next;
                    next = null;
                }
                if (next is null)
                {
                    _running = null;
                    SetRebuilding(false);
                }
            }
            request.TrySetResult(Status);
            abandoned?.TrySetResult(Status);
            if (next is null) return;
            request = next;
        }
    }

    private async Task BuildOnceAsync()
    {
        var token = _shutdown.Token;
        var started = _time.GetTimestamp();
        bool full;
        HnswOptions options;
        (string Path, long Through)? adopt;
        lock (_gate)
        {
            options = _options;
            full = _fullBuildAsked;
            _fullBuildAsked = false;
            adopt = _adoption;
            _adoption = null;
        }
        if (adopt is { } adoption && !full)
        {
            if (Serving is { } serving && serving.Through >= adoption.Through) File.Delete(adoption.Path);
            else TryLoad(adoption.Path, moveToSnapshot: true);
            return;
        }
        try
        {
            if (!full && await TryExtendAsync(started, token).ConfigureAwait(false)) return;
            var data = await _source(token).ConfigureAwait(false);
            data.Validate();
            var index = HnswIndex.Build(_metric, data.Dimension, data.Vectors, data.Labels, options, _buildThreads, cancellationToken: token);
            HnswSnapshot.Save(index, _snapshotPath);
            var elapsed = _time.GetElapsedTime(started);
            Swap(index, data.CoveredThrough, elapsed);
            VectorIndexManagerLog.Swapped(_logger, _collection, index.Count, elapsed.TotalSeconds);
            await AnnounceSavedAsync(token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // Shutting down: the previous index and snapshot stay as they were.
        }
#pragma warning disable CA1031 // A failed rebuild must never take the serving index down; the error is logged and reported.
        catch (Exception e)
#pragma warning restore CA1031
        {
            VectorIndexManagerLog.RebuildFailed(_logger, _collection, e);
            RecordFailure(e);
        }
    }

    /// <summary>
    /// Adds what the serving index lacks to it in place (searches keep running; HNSW takes inserts during queries),
    /// then snapshots it. False when there is nothing to extend or the source cannot say what is missing. Stopped
    /// half-way, the index holds some of the new vectors and the snapshot on disk stays the previous one.
    /// </summary>
    private async Task<bool> TryExtendAsync(long started, CancellationToken token)
    {
        var serving = Serving;
        if (serving is null || _missing is null) return false;
        var current = serving.Index;
        var missing = await _missing(serving, token).ConfigureAwait(false);
        if (missing is null) return false;
        missing.Validate();
        if (missing.Dimension != current.Dimension)
            throw new InvalidOperationException($"The source's vectors have {missing.Dimension} dimensions; the index holds {current.Dimension}.");
        var parallel = new ParallelOptions
        {
            MaxDegreeOfParallelism = _buildThreads <= 0 ? Environment.ProcessorCount : _buildThreads,
            CancellationToken = token,
        };
        Parallel.For(0, missing.Labels.Count, parallel, row =>
            current.Add(missing.Labels[row], missing.Vectors.Span.Slice(row * missing.Dimension, missing.Dimension)));
        current.RepairReachability();
        // Only now does the index cover the new vectors; until here searches scanned them as not yet indexed.
        Volatile.Write(ref _serving, new ServingIndex(current, Math.Max(serving.Through, missing.CoveredThrough)));
        HnswSnapshot.Save(current, _snapshotPath);
        var elapsed = _time.GetElapsedTime(started);
        RecordServing(current, elapsed);
        VectorIndexManagerLog.Extended(_logger, _collection, missing.Labels.Count, current.Count, elapsed.TotalSeconds);
        await AnnounceSavedAsync(token).ConfigureAwait(false);
        return true;
    }

    private async Task AnnounceSavedAsync(CancellationToken token)
    {
        if (SnapshotSaved is not { } saved || Serving is not { } serving) return;
        try
        {
            await saved(serving, _snapshotPath, token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
        }
#pragma warning disable CA1031 // Publishing is best effort: the index serves here either way, and other nodes can build their own.
        catch (Exception e)
#pragma warning restore CA1031
        {
            VectorIndexManagerLog.PublishFailed(_logger, _collection, e);
        }
    }

    private void Swap(HnswIndex index, long through, TimeSpan? duration)
    {
        // Searches that already read the old index finish on it; its memory stays valid until they drop it.
        Interlocked.Exchange(ref _serving, new ServingIndex(index, through))?.Index.Dispose();
        RecordServing(index, duration);
    }

    /// <summary>Healthy, serving <paramref name="index"/>; a null duration (a snapshot load) keeps the last build's.</summary>
    private void RecordServing(HnswIndex index, TimeSpan? duration) =>
        UpdateStatus(s => s with
        {
            Health = IndexHealth.Healthy,
            Count = index.Count,
            Memory = index.Memory,
            BuiltAt = _time.GetUtcNow(),
            LastBuildDuration = duration ?? s.LastBuildDuration,
            LastError = null,
            LastErrorAt = null,
        });

    private void RecordFailure(Exception e) =>
        UpdateStatus(s => s with { Health = IndexHealth.Degraded, LastError = e.Message, LastErrorAt = _time.GetUtcNow() });

    private void SetRebuilding(bool rebuilding) => UpdateStatus(s => s with { Rebuilding = rebuilding });

    private void UpdateStatus(Func<IndexStatus, IndexStatus> change)
    {
        lock (_gate) Volatile.Write(ref _status, change(_status));
    }
}
