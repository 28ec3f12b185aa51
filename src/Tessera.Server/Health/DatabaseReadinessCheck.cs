using Microsoft.Extensions.Diagnostics.HealthChecks;
using Tessera.Core.Errors;
using Tessera.Data.Migrations;

namespace Tessera.Server.Health;

/// <summary>Ready when the database answers and every migration this build knows is applied unchanged.</summary>
internal sealed class DatabaseReadinessCheck(MigrationRunner migrations) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var report = await migrations.GetStatusAsync(cancellationToken).ConfigureAwait(false);
            var pending = report.Pending.Count();
            var modified = report.Modified.Count();
            if (modified > 0) return HealthCheckResult.Unhealthy($"{modified} applied migration(s) were changed afterwards.");
            if (pending > 0) return HealthCheckResult.Unhealthy($"{pending} migration(s) are pending; run 'tessera db migrate'.");
            return HealthCheckResult.Healthy($"{report.Migrations.Count} migration(s) applied.");
        }
        catch (TesseraException e)
        {
            return HealthCheckResult.Unhealthy(e.Message);
        }
    }
}
