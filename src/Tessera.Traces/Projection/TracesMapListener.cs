using Tessera.Traces.Parquet;
using Tessera.Traces.Pipeline;

namespace Tessera.Traces.Projection;

/// <summary>After each stored batch: bring the organization's map up to date, then its Parquet files.</summary>
internal sealed class TracesMapListener(TracesProjectionService projection, TracesParquetFiles files) : ITracesBatchListener
{
    public async Task BatchStoredAsync(Guid orgId, CancellationToken cancellationToken)
    {
        var outcome = await projection.UpdateAsync(orgId, refit: false, cancellationToken).ConfigureAwait(false);
        if (outcome.Action != ProjectionOutcome.None) await files.WriteAsync(orgId, outcome.NewVersion, cancellationToken).ConfigureAwait(false);
    }
}
