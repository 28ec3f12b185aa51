using Microsoft.Extensions.Diagnostics.HealthChecks;
using Tessera.Vectors.Management;

namespace Tessera.Platform.Collections;

/// <summary>Degraded (still serving) when any collection's index failed its last build or load.</summary>
internal sealed class VectorCollectionsHealthCheck(VectorCollections collections) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var statuses = collections.Statuses.ToList();
        var degraded = statuses.Where(s => s.Health == IndexHealth.Degraded).ToList();
        return Task.FromResult(degraded.Count == 0
            ? HealthCheckResult.Healthy(statuses.Count == 0 ? "No index opened yet." : string.Join("; ", statuses.Select(s => $"{s.Collection}: {s.Count} vectors")))
            : HealthCheckResult.Degraded(string.Join("; ", degraded.Select(s => $"{s.Collection}: {s.LastError}"))));
    }
}
