namespace Tessera.Traces.Pipeline;

/// <summary>
/// A later stage of the pipeline (the 2-D map, the Parquet files) told when ingestion has stored a batch of
/// embedded records for an organization, so it catches up. Called after the batch's transaction committed,
/// while the organization's <see cref="TracesBatchGate"/> is still held.
/// </summary>
internal interface ITracesBatchListener
{
    Task BatchStoredAsync(Guid orgId, CancellationToken cancellationToken);
}
