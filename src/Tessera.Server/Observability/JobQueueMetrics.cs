using System.Collections.Concurrent;
using Prometheus;
using Tessera.Jobs;
using Tessera.Jobs.Storage;

namespace Tessera.Server.Observability;

/// <summary>Queue depth and the age of the longest-waiting job per kind, read from the jobs tables at each scrape.</summary>
internal sealed class JobQueueMetrics
{
    private readonly JobQueueStatistics _statistics;
    private readonly TimeProvider _time;
    private readonly Gauge _queued;
    private readonly Gauge _oldestAge;

    /// <summary>Every kind reported so far (and every kind this process runs), so an emptied queue reads 0 instead of vanishing.</summary>
    private readonly ConcurrentDictionary<string, bool> _kinds = new(StringComparer.Ordinal);

    public JobQueueMetrics(CollectorRegistry registry, JobQueueStatistics statistics, JobHandlerRegistry handlers, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(handlers);
        _statistics = statistics;
        _time = time;
        var factory = Metrics.WithCustomRegistry(registry);
        _queued = factory.CreateGauge("tessera_jobs_queued", "Jobs waiting for a worker (queued or retrying), per kind.", ["kind"]);
        _oldestAge = factory.CreateGauge("tessera_jobs_oldest_queued_age_seconds",
            "How long the longest-waiting job of the kind has been claimable without being claimed.", ["kind"]);
        foreach (var kind in handlers.Kinds) _kinds.TryAdd(kind, true);
    }

    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        var depths = (await _statistics.DepthsAsync(cancellationToken).ConfigureAwait(false)).ToDictionary(d => d.Kind, StringComparer.Ordinal);
        foreach (var kind in depths.Keys) _kinds.TryAdd(kind, true);
        var now = _time.GetUtcNow();
        foreach (var kind in _kinds.Keys)
        {
            var depth = depths.GetValueOrDefault(kind);
            _queued.WithLabels(kind).Set(depth?.Queued ?? 0);
            // A job due in the future (delayed, or backing off) has not waited yet.
            _oldestAge.WithLabels(kind).Set(depth is null ? 0 : Math.Max(0, (now - depth.EarliestRunAt).TotalSeconds));
        }
    }
}
