using Prometheus;
using Tessera.Vectors;

namespace Tessera.Server.Observability;

/// <summary>Size, memory and last build time of every vector index that a registered <see cref="IIndexStatusSource"/> serves.</summary>
internal sealed class VectorIndexMetrics
{
    private readonly IIndexStatusSource[] _sources;
    private readonly Gauge _vectors;
    private readonly Gauge _buildSeconds;
    private readonly Gauge _bytes;
    private readonly Gauge _residentBytes;

    public VectorIndexMetrics(CollectorRegistry registry, IEnumerable<IIndexStatusSource> sources)
    {
        _sources = [.. sources];
        var factory = Metrics.WithCustomRegistry(registry);
        _vectors = factory.CreateGauge("tessera_vector_index_vectors", "Vectors in the collection's serving index.", ["collection"]);
        _buildSeconds = factory.CreateGauge("tessera_vector_index_last_build_seconds",
            "How long the collection's last index build or extension took.", ["collection"]);
        _bytes = factory.CreateGauge("tessera_vector_index_bytes",
            "Bytes of the collection's serving index by part: graph (links, labels), codes (sq8) and float32 vectors.", ["collection", "part"]);
        _residentBytes = factory.CreateGauge("tessera_vector_index_resident_bytes",
            "Bytes of the collection's serving index that must stay in memory (all but memory-mapped float32 vectors).", ["collection"]);
    }

    public void Refresh()
    {
        foreach (var status in _sources.SelectMany(s => s.Statuses))
        {
            _vectors.WithLabels(status.Collection).Set(status.Count);
            if (status.LastBuildDuration is { } duration) _buildSeconds.WithLabels(status.Collection).Set(duration.TotalSeconds);
            if (status.Memory is not { } memory) continue;
            _bytes.WithLabels(status.Collection, "graph").Set(memory.GraphBytes);
            _bytes.WithLabels(status.Collection, "codes").Set(memory.QuantizedBytes);
            _bytes.WithLabels(status.Collection, "float32").Set(memory.VectorBytes);
            _residentBytes.WithLabels(status.Collection).Set(memory.ResidentBytes);
        }
    }
}
