using Tessera.Core.Errors;
using Tessera.Vectors.Kernels;

namespace Tessera.Vectors.Flat;

/// <summary>
/// Exact nearest-neighbour search by scanning every vector: right for small collections and the
/// reference that HNSW recall is measured against. Adds are serialized; searches take no lock and
/// see every vector whose add completed before they started.
/// </summary>
public sealed class FlatIndex
{
    private readonly Lock _addLock = new();
    private float[] _vectors;
    private long[] _ids;
    private int _count;

    public FlatIndex(DistanceMetric metric, int dimension, int initialCapacity = 1024)
    {
        if (dimension <= 0) throw new ArgumentOutOfRangeException(nameof(dimension), dimension, "The dimension must be positive.");
        Metric = metric;
        Dimension = dimension;
        initialCapacity = Math.Max(initialCapacity, 1);
        _vectors = new float[(long)initialCapacity * dimension];
        _ids = new long[initialCapacity];
    }

    public DistanceMetric Metric { get; }
    public int Dimension { get; }
    public int Count => Volatile.Read(ref _count);

    public void Add(long id, ReadOnlySpan<float> vector)
    {
        if (vector.Length != Dimension) throw TesseraException.Validation($"The vector has {vector.Length} dimensions; this index holds {Dimension}.");
        lock (_addLock)
        {
            var n = _count;
            if (n == _ids.Length)
            {
                // Copy-on-grow: searches holding the old arrays still read valid data.
                var ids = new long[n * 2];
                var vectors = new float[(long)n * 2 * Dimension];
                _ids.CopyTo(ids, 0);
                _vectors.CopyTo(vectors, 0);
                Volatile.Write(ref _vectors, vectors);
                Volatile.Write(ref _ids, ids);
            }
            var slot = _vectors.AsSpan(n * Dimension, Dimension);
            vector.CopyTo(slot);
            if (Metric == DistanceMetric.Cosine) VectorKernels.Normalize(slot);
            _ids[n] = id;
            Volatile.Write(ref _count, n + 1);
        }
    }

    /// <summary>The <paramref name="k"/> nearest vectors to <paramref name="query"/>, closest first.</summary>
    public SearchHit[] Search(ReadOnlySpan<float> query, int k) => Search(query, k, default(AcceptAll));

    /// <summary>The <paramref name="k"/> nearest vectors among those <paramref name="filter"/> admits, closest first.</summary>
    public SearchHit[] Search<TFilter>(ReadOnlySpan<float> query, int k, TFilter filter)
        where TFilter : ISearchFilter
    {
        if (query.Length != Dimension) throw TesseraException.Validation($"The query has {query.Length} dimensions; this index holds {Dimension}.");
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(k);
        var count = Count;
        var vectors = Volatile.Read(ref _vectors);
        var ids = Volatile.Read(ref _ids);
        var q = PreparedQuery.Create(query, Metric);
        var heap = new MaxCandidateHeap(k + 1);
        ExactScan.Run(Metric, q, vectors, count, Dimension, k, heap, position => filter.Allows(ids[position]));
        var found = new Candidate[heap.Count];
        heap.DrainAscending(found);
        return Array.ConvertAll(found, c => new SearchHit(ids[c.Id], c.Distance));
    }
}
