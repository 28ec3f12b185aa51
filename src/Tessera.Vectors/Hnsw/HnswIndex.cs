using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;
using Tessera.Core.Errors;
using Tessera.Vectors.Kernels;

namespace Tessera.Vectors.Hnsw;

/// <summary>
/// Hierarchical navigable small-world graph (Malkov &amp; Yashunin) over float32 vectors with caller ids
/// ("labels"). Searches take no locks and run while other threads insert; inserts run in parallel with
/// each other, locking one node's links at a time. Deletes leave tombstones that still route searches
/// but are never returned; <see cref="Compact"/> rebuilds without them. Memory is pinned managed memory, so a
/// search still running on an index that was swapped out stays safe; disposing only ends writes.
/// </summary>
public sealed unsafe partial class HnswIndex : IDisposable
{
    private const int LinkLockStripes = 1024;
    private const long EmptyEntry = -1;

    private readonly NodeLayout _layout;
    private readonly NodeStore _store;
    private readonly UpperLinkArena _arena;
    private readonly LevelGenerator _levels;
    private readonly Lock[] _linkLocks = new Lock[LinkLockStripes];
    private readonly Lock _entryLock = new();
    private readonly Lock _labelLock = new();
    private readonly Dictionary<long, int> _labels;
    private readonly ScalarQuantizer? _quantizer;

    // Inserts hold it shared; growing the store and saving a snapshot hold it exclusively. Searches never touch it.
    private readonly ReaderWriterLockSlim _writerGate = new();

    private int _reserved;
    private int _deleted;

    // The entry point's id in the low 32 bits and its level in the high 32 bits, so both change in one write.
    private long _entry = EmptyEntry;

    /// <summary>
    /// An empty index. With <see cref="VectorQuantization.Sq8"/> its quantizer covers [−1, 1] per dimension (unit
    /// vectors); <see cref="Build"/> trains one on the data instead.
    /// </summary>
    public HnswIndex(DistanceMetric metric, int dimension, HnswOptions? options = null, int initialCapacity = 1024)
        : this(metric, dimension, options, initialCapacity, NodeStore.DefaultMaxSegmentBytes, null)
    {
    }

    /// <summary>
    /// Lets tests force small store segments, so paths across segment boundaries run on small data; takes a trained
    /// (or loaded) quantizer when the options ask for one.
    /// </summary>
    internal HnswIndex(DistanceMetric metric, int dimension, HnswOptions? options, int initialCapacity, long maxSegmentBytes, ScalarQuantizer? quantizer = null)
    {
        if (!Enum.IsDefined(metric)) throw new ArgumentOutOfRangeException(nameof(metric), metric, "Unknown metric.");
        if (dimension <= 0) throw TesseraException.Validation($"The dimension must be positive (got {dimension}).");
        Options = options ?? new HnswOptions();
        Options.Validate();
        Metric = metric;
        Dimension = dimension;
        _layout = new NodeLayout(dimension, Options.M, Options.Quantization);
        if (Options.Quantization == VectorQuantization.Sq8) _quantizer = quantizer ?? ScalarQuantizer.Untrained(dimension);
        _store = new NodeStore(_layout, initialCapacity, maxSegmentBytes, Options.Float32Storage, Options.MappedFileDirectory);
        // About 1/(M−1) of the nodes have upper levels; size the first arena chunk for them, plus 10%.
        _arena = new UpperLinkArena((int)Math.Clamp((long)initialCapacity * _layout.UpperLevelBytes * 11 / (10 * (Options.M - 1)), 4096, 16 << 20));
        _levels = new LevelGenerator(Options.Seed, Options.M);
        _labels = new Dictionary<long, int>(Math.Max(initialCapacity, 0));
        for (var i = 0; i < _linkLocks.Length; i++) _linkLocks[i] = new Lock();
    }

    public DistanceMetric Metric { get; }
    public int Dimension { get; }
    public HnswOptions Options { get; }

    /// <summary>Live (not deleted) vectors.</summary>
    public int Count
    {
        get
        {
            lock (_labelLock) return _labels.Count;
        }
    }

    /// <summary>Tombstones: deleted or replaced vectors that still occupy the graph until <see cref="Compact"/>.</summary>
    public int DeletedCount => Volatile.Read(ref _deleted);

    /// <summary>Bytes this index holds: node store, upper-level links, the label map and the link locks.</summary>
    public long MemoryBytes => Memory.TotalBytes;

    /// <summary><see cref="MemoryBytes"/> split into the graph and the two copies of the vectors.</summary>
    public IndexMemory Memory
    {
        get
        {
            long labelMap;
            lock (_labelLock) labelMap = (long)_labels.EnsureCapacity(0) * (24 + 4);
            var total = _store.AllocatedBytes + _arena.AllocatedBytes + labelMap + LinkLockStripes * 24L;
            var vectors = (long)_store.Capacity * _layout.VectorStride;
            var codes = (long)_store.Capacity * _layout.CodeStride;
            return new IndexMemory(total - vectors - codes, codes, vectors, _store.VectorsMapped, _store.VectorsMapped ? _store.MappedResidentBytes : 0);
        }
    }

    internal NodeLayout Layout => _layout;
    internal ScalarQuantizer? Quantizer => _quantizer;
    internal NodeStore Store => _store;
    internal UpperLinkArena Arena => _arena;
    internal int Reserved => Volatile.Read(ref _reserved);
    internal long EntryPacked => Volatile.Read(ref _entry);
    internal ReaderWriterLockSlim WriterGate => _writerGate;

    /// <summary>
    /// Builds an index over the rows of <paramref name="vectors"/> (row-major, <paramref name="dimension"/> columns).
    /// <paramref name="labels"/> are the caller ids per row (row numbers when null); <paramref name="threads"/> insert
    /// in parallel (0: every core; 1 gives a reproducible graph); <paramref name="progress"/> receives the number of
    /// rows inserted so far, every 1,024 rows and at the end.
    /// </summary>
    public static HnswIndex Build(
        DistanceMetric metric, int dimension, ReadOnlyMemory<float> vectors, IReadOnlyList<long>? labels = null,
        HnswOptions? options = null, int threads = 0, IProgress<int>? progress = null, CancellationToken cancellationToken = default)
    {
        if (dimension <= 0 || vectors.Length % dimension != 0)
            throw TesseraException.Validation($"{vectors.Length} values do not form rows of {dimension} dimensions.");
        var rows = vectors.Length / dimension;
        if (labels is not null && labels.Count != rows) throw TesseraException.Validation($"{labels.Count} labels were given for {rows} vectors.");
        var quantizer = options?.Quantization == VectorQuantization.Sq8 ? ScalarQuantizer.Train(metric, dimension, vectors.Span) : null;
        var index = new HnswIndex(metric, dimension, options, rows, NodeStore.DefaultMaxSegmentBytes, quantizer);
        var done = 0;
        void Insert(int row)
        {
            index.Add(labels?[row] ?? row, vectors.Span.Slice(row * dimension, dimension));
            var n = Interlocked.Increment(ref done);
            if ((n & 1023) == 0) progress?.Report(n);
        }

        if (threads == 1)
        {
            for (var row = 0; row < rows; row++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                Insert(row);
            }
        }
        else
        {
            var parallel = new ParallelOptions
            {
                MaxDegreeOfParallelism = threads <= 0 ? Environment.ProcessorCount : threads,
                CancellationToken = cancellationToken,
            };
            Parallel.For(0, rows, parallel, Insert);
        }
        index.RepairReachability();
        progress?.Report(rows);
        return index;
    }

    /// <summary>Adds a vector under <paramref name="label"/>; an existing vector with that label is replaced (and tombstoned).</summary>
    public void Add(long label, ReadOnlySpan<float> vector)
    {
        if (vector.Length != Dimension) throw TesseraException.Validation($"The vector has {vector.Length} dimensions; this index holds {Dimension}.");
        var id = Interlocked.Increment(ref _reserved) - 1;
        if (id < 0) throw new InvalidOperationException("The index is full (2^31 nodes).");
        if (id >= _store.Capacity) GrowFor(id);
        _writerGate.EnterReadLock();
        try
        {
            var level = _levels.LevelFor(id);
            Initialize(_store.View, id, label, vector, level);
            RegisterLabel(label, id);
            if (Metric == DistanceMetric.L2) Link<SquaredL2Distance>(id, level);
            else Link<InnerProductDistance>(id, level);
        }
        finally
        {
            _writerGate.ExitReadLock();
        }
    }

    /// <summary>Tombstones the vector with <paramref name="label"/>. Returns false when there is none.</summary>
    public bool Delete(long label)
    {
        lock (_labelLock)
        {
            if (!_labels.Remove(label, out var id)) return false;
            MarkDeleted(id);
            return true;
        }
    }

    public bool Contains(long label)
    {
        lock (_labelLock) return _labels.ContainsKey(label);
    }

    /// <summary>The largest label held (0 when empty): after a snapshot load, how far the index covers a source whose labels only grow.</summary>
    public long HighestLabel()
    {
        lock (_labelLock) return _labels.Count == 0 ? 0 : _labels.Keys.Max();
    }

    /// <summary>A copy of the stored vector (unit length for cosine), or null when the label is absent.</summary>
    public float[]? GetVector(long label)
    {
        int id;
        lock (_labelLock)
        {
            if (!_labels.TryGetValue(label, out id)) return null;
        }
        var copy = new ReadOnlySpan<float>(_store.View.Vector(id), Dimension).ToArray();
        // The copy reads through a raw pointer into memory that may be mapped: the index must outlive it.
        GC.KeepAlive(this);
        return copy;
    }

    /// <summary>A new index holding only the live vectors, built with the same options: the periodic cleanup of tombstones.</summary>
    public HnswIndex Compact(int threads = 0, CancellationToken cancellationToken = default)
    {
        KeyValuePair<long, int>[] live;
        lock (_labelLock) live = [.. _labels];
        Array.Sort(live, (a, b) => a.Value.CompareTo(b.Value));
        var vectors = new float[(long)live.Length * Dimension];
        var labels = new long[live.Length];
        var nodes = _store.View;
        for (var i = 0; i < live.Length; i++)
        {
            labels[i] = live[i].Key;
            new ReadOnlySpan<float>(nodes.Vector(live[i].Value), Dimension).CopyTo(vectors.AsSpan(i * Dimension, Dimension));
        }
        return Build(Metric, Dimension, vectors, labels, Options, threads, cancellationToken: cancellationToken);
    }

    /// <summary>Restores the bookkeeping of an index whose records and links a snapshot has just filled in.</summary>
    internal void AdoptLoadedNodes(int count, long entry)
    {
        _reserved = count;
        _entry = entry;
        var nodes = _store.View;
        for (var id = 0; id < count; id++)
        {
            if ((*nodes.Header(id) & NodeLayout.DeletedFlag) != 0)
            {
                _deleted++;
                continue;
            }
            var label = *nodes.Label(id);
            if (!_labels.TryAdd(label, id)) throw new InvalidDataException($"The snapshot holds label {label} twice among live nodes.");
        }
    }

    private void GrowFor(int id)
    {
        _writerGate.EnterWriteLock();
        try
        {
            var capacity = _store.Capacity;
            if (id >= capacity) _store.Grow((int)Math.Min(int.MaxValue, Math.Max(id + 1L, capacity + (capacity >> 1) + 1024L)));
        }
        finally
        {
            _writerGate.ExitWriteLock();
        }
    }

    private void Initialize(in NodeView nodes, int id, long label, ReadOnlySpan<float> vector, int level)
    {
        var stored = new Span<float>(nodes.Vector(id), Dimension);
        vector.CopyTo(stored);
        if (Metric == DistanceMetric.Cosine) VectorKernels.Normalize(stored);
        _quantizer?.Encode(stored, nodes.Code(id));
        *nodes.Label(id) = label;
        *nodes.Upper(id) = level > 0 ? (nint)_arena.Allocate(level * _layout.UpperLevelBytes) : 0;
        Volatile.Write(ref *nodes.Header(id), NodeLayout.ReadyFlag | (level << NodeLayout.LevelShift));
    }

    private void RegisterLabel(long label, int id)
    {
        lock (_labelLock)
        {
            if (_labels.TryGetValue(label, out var previous)) MarkDeleted(previous);
            _labels[label] = id;
        }
    }

    private void MarkDeleted(int id)
    {
        var header = _store.View.Header(id);
        lock (LockFor(id)) Volatile.Write(ref *header, *header | NodeLayout.DeletedFlag);
        Interlocked.Increment(ref _deleted);
    }

    private Lock LockFor(int id) => _linkLocks[id & (LinkLockStripes - 1)];

    /// <summary>
    /// The neighbour ids of <paramref name="id"/> on <paramref name="level"/>; <paramref name="count"/> gets the word
    /// holding their number (on level 0 the node header, above it the list's first word).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int* Links(in NodeView nodes, int id, int level, out int* count)
    {
        if (level == 0)
        {
            count = nodes.Header(id);
            return nodes.Links(id);
        }
        count = (int*)((byte*)*nodes.Upper(id) + (level - 1) * _layout.UpperLevelBytes);
        return count + 1;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Prefetch(void* address)
    {
        if (Sse.IsSupported) Sse.Prefetch0(address);
    }

    public void Dispose() => _writerGate.Dispose();

    private static long PackEntry(int id, int level) => ((long)level << 32) | (uint)id;
}
