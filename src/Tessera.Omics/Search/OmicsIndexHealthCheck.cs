using Microsoft.Extensions.Diagnostics.HealthChecks;
using Tessera.Vectors.Management;

namespace Tessera.Omics.Search;

/// <summary>Degraded (still serving) when an omics index failed its last build or load.</summary>
public sealed class OmicsIndexHealthCheck(OmicsIndex index) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var degraded = index.Statuses.Where(s => s.Health == IndexHealth.Degraded).ToList();
        return Task.FromResult(degraded.Count == 0
            ? HealthCheckResult.Healthy($"{index.Statuses.Count()} omics index(es) serving.")
            : HealthCheckResult.Degraded(string.Join("; ", degraded.Select(s => $"{s.Collection}: {s.LastError}"))));
    }
}
