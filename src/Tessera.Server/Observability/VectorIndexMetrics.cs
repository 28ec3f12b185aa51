using Prometheus;
using Tessera.Vectors;

namespace Tessera.Server.Observability;

/// <summary>Size and last build time of every vector index that a registered <see cref="IIndexStatusSource"/> serves.</summary>
internal sealed class VectorIndexMetrics
{
    private readonly IIndexStatusSource[] _sources;
    private readonly Gauge _vectors;
    private readonly Gauge _buildSeconds;

    public VectorIndexMetrics(CollectorRegistry registry, IEnumerable<IIndexStatusSource> sources)
    {
        _sources = [.. sources];
        var factory = Metrics.WithCustomRegistry(registry);
        _vectors = factory.CreateGauge("tessera_vector_index_vectors", "Vectors in the collection's serving index.", ["collection"]);
        _buildSeconds = factory.CreateGauge("tessera_vector_index_last_build_seconds",
            "How long the collection's last index build or extension took.", ["collection"]);
    }

    public void Refresh()
    {
        foreach (var status in _sources.SelectMany(s => s.Statuses))
        {
            _vectors.WithLabels(status.Collection).Set(status.Count);
            if (status.LastBuildDuration is { } duration) _buildSeconds.WithLabels(status.Collection).Set(duration.TotalSeconds);
        }
    }
}
