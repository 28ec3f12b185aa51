using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Logging;
using Tessera.Core;
using Tessera.Vectors.Flat;
using Tessera.Vectors.Hnsw;
using Tessera.Vectors.Management;

namespace Tessera.Vectors.Collections;

/// <summary>
/// A module's vectors, searchable with an owner filter: one HNSW index per partition (embedder), built from the
/// source and kept as a snapshot under the index directory. The source stays the source of truth. A search never
/// waits for a build: it answers from the serving index plus an exact scan of the stored vectors the index does not
/// cover yet, and asks for the index to be brought up to date in the background. Updates add only the missing
/// vectors to the serving index when the source's counts agree, and build from scratch otherwise; a failed update
/// leaves the last good index serving (Degraded in <see cref="Statuses"/>).
/// </summary>
[SuppressMessage("Naming", "CA1711", Justification = "'Vector collection' is the domain term; it is not a .NET collection type.")]
public sealed class VectorCollection : IAsyncDisposable
{
    /// <summary>After a failed update, searches wait this long before asking for another.</summary>
    private static readonly TimeSpan UpdateRetryDelay = TimeSpan.FromSeconds(30);

    private readonly VectorCollectionDefinition _definition;
    private readonly IVectorSource _source;
    private readonly string _indexDirectory;
    private readonly ILogger<VectorIndexManager> _logger;
    private readonly TimeProvider _time;
    private readonly int _buildThreads;
    private readonly ConcurrentDictionary<VectorPartition, Lazy<Partition>> _partitions = new();

    public VectorCollection(
        VectorCollectionDefinition definition, IVectorSource source, string indexDirectory, ILogger<VectorIndexManager> logger, TimeProvider time,
        int buildThreads = 0)
    {
        ArgumentNullException.ThrowIfNull(definition);
        definition.Validate();
        _definition = definition;
        _source = source ?? throw new ArgumentNullException(nameof(source));
        _indexDirectory = indexDirectory;
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _buildThreads = buildThreads;
    }

    public string Name => _definition.Name;

    /// <summary>
    /// Called after a partition's index was built or updated here and its snapshot saved: how a deployment publishes
    /// snapshots to its other nodes (see <see cref="AdoptAsync"/>). Set it before the first search or update.
    /// </summary>
    public Func<VectorPartition, ServingIndex, string, CancellationToken, Task>? SnapshotSaved { get; set; }

    public VectorCollectionDefinition Definition => _definition;

    /// <summary>The state of every partition index this process has opened.</summary>
    public IEnumerable<IndexStatus> Statuses => _partitions.Values.Where(p => p.IsValueCreated).Select(p => p.Value.Manager.Status);

    /// <summary>The partitions that hold vectors: what a full reindex covers.</summary>
    public Task<IReadOnlyList<VectorPartition>> PartitionsAsync(CancellationToken cancellationToken) => _source.PartitionsAsync(cancellationToken);

    /// <summary>The index manager of a partition, opened (and its snapshot loaded) on first use.</summary>
    public VectorIndexManager ManagerOf(VectorPartition partition) => PartitionOf(partition).Manager;

    /// <summary>
    /// Brings the partition's index up to date (or, with <paramref name="full"/>, rebuilds it from every stored vector).
    /// With <paramref name="options"/>, rebuilds it with those parameters instead of the definition's (see <see cref="VectorIndexManager.RequestRebuild"/>).
    /// </summary>
    public Task<IndexStatus> UpdateAsync(VectorPartition partition, bool full = false, HnswOptions? options = null) =>
        ManagerOf(partition).RequestRebuild(full, options);

    /// <summary>
    /// Serves a snapshot another node published for <paramref name="partition"/>, covering the source through
    /// <paramref name="through"/>, unless this node's index already covers as much. <paramref name="download"/> writes
    /// the snapshot to the path it is given; it is only called when the snapshot is wanted.
    /// </summary>
    public async Task<IndexStatus> AdoptAsync(VectorPartition partition, long through, Func<string, CancellationToken, Task> download, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(download);
        var part = PartitionOf(partition);
        var manager = part.Manager;
        if (manager.Serving is { } serving && serving.Through >= through) return manager.Status;
        var path = Path.Combine(_indexDirectory, $"{Name}-{partition.Key}.{Guid.NewGuid():N}.adopting");
        try
        {
            await download(path, cancellationToken).ConfigureAwait(false);
            // The owner filter must know the adopted labels before they serve; mapping labels early is harmless.
            part.Groups.AddAll(await _source.GroupsAsync(partition, cancellationToken).ConfigureAwait(false));
            return await manager.RequestAdoption(path, through).ConfigureAwait(false);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>
    /// The <paramref name="k"/> nearest stored vectors of <paramref name="partition"/> among those of
    /// <paramref name="groups"/>: complete at every moment, whether or not the index has caught up with the source.
    /// <paramref name="ef"/> widens (or narrows) the index's search beam; null: the index's own.
    /// </summary>
    public async Task<CollectionSearchResult> SearchAsync(
        VectorPartition partition, ReadOnlyMemory<float> query, int k, IReadOnlyCollection<Guid> groups, CancellationToken cancellationToken, int? ef = null)
    {
        ArgumentNullException.ThrowIfNull(partition);
        ArgumentNullException.ThrowIfNull(groups);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        if (query.Length != partition.Dimension)
            throw new ArgumentException($"The query has {query.Length} dimensions; collection {Name} partition {partition.Key} holds {partition.Dimension}.", nameof(query));
        var part = PartitionOf(partition);
        // Read before the vectors, so a deletion committed before this search began is never answered.
        part.Deleted.Add(await _source.DeletedAfterAsync(partition, part.Deleted.Through, cancellationToken).ConfigureAwait(false));
        var serving = part.Manager.Serving;
        var indexed = serving?.Index.Count ?? 0;
        if (serving is not null && !part.Groups.IsComplete)
            part.Groups.AddAll(await _source.GroupsAsync(partition, cancellationToken).ConfigureAwait(false));

        var highest = await _source.HighestLabelAsync(partition, cancellationToken).ConfigureAwait(false);
        var through = serving?.Through ?? 0;
        SourceRows? pending = null;
        if (highest > through)
        {
            pending = await _source.ReadAfterAsync(partition, through, cancellationToken).ConfigureAwait(false);
            UpdateInBackground(part.Manager);
        }
        if (groups.Count == 0) return new CollectionSearchResult([], indexed, pending?.Count ?? 0);

        var best = new Dictionary<long, float>();
        if (serving is not null)
        {
            foreach (var hit in serving.Index.Search(query.Span, k, part.Groups.Admitting(groups, part.Deleted), ef)) best[hit.Id] = hit.Distance;
        }
        if (pending is { Count: > 0 })
        {
            // An index being extended may already hold some of these: a label counts once.
            foreach (var hit in ScanPending(pending, query.Span, k, groups, part.Deleted)) best[hit.Id] = hit.Distance;
        }
        var hits = best.Select(h => new CollectionHit(h.Key, h.Value)).OrderBy(h => h.Distance).ThenBy(h => h.Label).Take(k).ToList();
        return new CollectionSearchResult(hits, indexed, pending?.Count ?? 0);
    }

    private SearchHit[] ScanPending(SourceRows pending, ReadOnlySpan<float> query, int k, IReadOnlyCollection<Guid> groups, LabelTombstones deleted)
    {
        var admitted = groups as IReadOnlySet<Guid> ?? groups.ToHashSet();
        var flat = new FlatIndex(_definition.Metric, pending.Dimension, pending.Count);
        for (var row = 0; row < pending.Count; row++)
        {
            if (admitted.Contains(pending.Groups[row]) && !deleted.Contains(pending.Labels[row])) flat.Add(pending.Labels[row], pending.Row(row));
        }
        return flat.Count == 0 ? [] : flat.Search(query, k);
    }

    /// <summary>Asks for an update unless one is running or the last one failed moments ago.</summary>
    private void UpdateInBackground(VectorIndexManager manager)
    {
        var status = manager.Status;
        var failedRecently = status.LastErrorAt is { } failedAt && _time.GetUtcNow() - failedAt < UpdateRetryDelay;
        if (!status.Rebuilding && !failedRecently) _ = manager.RequestRebuild();
    }

    private Partition PartitionOf(VectorPartition partition) =>
        _partitions.GetOrAdd(partition, p => new Lazy<Partition>(() => Open(p))).Value;

    private Partition Open(VectorPartition partition)
    {
        PrivateFiles.CreateDirectory(_indexDirectory);
        var groups = new LabelGroups();
        var deleted = new LabelTombstones();
        var manager = new VectorIndexManager(
            $"{Name}/{partition.Key}", Path.Combine(_indexDirectory, $"{Name}-{partition.Key}.hnsw"), _definition.Metric, _definition.Options,
            ct => ReadAllAsync(partition, groups, ct), _logger, _time, _buildThreads,
            missing: (serving, ct) => ReadMissingAsync(partition, groups, deleted, serving, ct));
        manager.TryLoadSnapshot();
        manager.SnapshotSaved = (serving, path, ct) => SnapshotSaved is { } saved ? saved(partition, serving, path, ct) : Task.CompletedTask;
        return new Partition(manager, groups, deleted);
    }

    private async Task<IndexSourceData> ReadAllAsync(VectorPartition partition, LabelGroups groups, CancellationToken cancellationToken)
    {
        var rows = await _source.ReadAfterAsync(partition, 0, cancellationToken).ConfigureAwait(false);
        groups.AddAll(rows.Labels.Zip(rows.Groups));
        return new IndexSourceData(partition.Dimension, rows.Vectors, rows.Labels, rows.Count == 0 ? 0 : rows.Labels[^1]);
    }

    /// <summary>
    /// The vectors stored above what the serving index covers, or null (a full build) when the counts disagree: on
    /// PostgreSQL a transaction can commit a lower label after a higher one was read. Deleted labels leave the
    /// serving index first (searches already skip them), so the extended index and its snapshot no longer hold them
    /// and the count compares live vectors only.
    /// </summary>
    private async Task<IndexSourceData?> ReadMissingAsync(
        VectorPartition partition, LabelGroups groups, LabelTombstones deleted, ServingIndex serving, CancellationToken cancellationToken)
    {
        deleted.Add(await _source.DeletedAfterAsync(partition, deleted.Through, cancellationToken).ConfigureAwait(false));
        foreach (var label in deleted.Labels) serving.Index.Delete(label);
        var rows = await _source.ReadAfterAsync(partition, serving.Through, cancellationToken).ConfigureAwait(false);
        // Counted up to the newest label read, so vectors committed meanwhile (with higher labels) do not count.
        var through = rows.Count == 0 ? serving.Through : rows.Labels[^1];
        var stored = await _source.CountThroughAsync(partition, through, cancellationToken).ConfigureAwait(false);
        if (serving.Index.Count + rows.Count != stored) return null;
        groups.AddNew(rows.Labels.Zip(rows.Groups));
        return new IndexSourceData(partition.Dimension, rows.Vectors, rows.Labels, through);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var partition in _partitions.Values.Where(p => p.IsValueCreated)) await partition.Value.Manager.DisposeAsync().ConfigureAwait(false);
    }

    private sealed record Partition(VectorIndexManager Manager, LabelGroups Groups, LabelTombstones Deleted);
}
