using System.Text.Json.Nodes;
using Tessera.Jobs;
using Tessera.Traces.Parquet;
using Tessera.Traces.Pipeline;

namespace Tessera.Traces.Projection;

/// <summary>
/// The <c>traces.recompute_projection</c> job: a refit on all vectors of the owner's organization, then the files.
/// It takes the organization's batch gate first, so a recompute asked for while a batch is stored runs after it.
/// </summary>
internal sealed class TracesRecomputeJobHandler(TracesBatchGate gate, TracesProjectionService projection, TracesParquetFiles files) : IJobHandler
{
    public const string JobKind = "traces.recompute_projection";

    public string Kind => JobKind;
    public int Version => 1;
    public bool Cacheable => false;

    public async Task<JsonNode?> ExecuteAsync(JobContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var outcome = await RecomputeAsync(context.Owner.OrgId, cancellationToken).ConfigureAwait(false);
        return new JsonObject
        {
            ["action"] = outcome.Action,
            ["version"] = outcome.Version,
            ["records"] = outcome.RecordsMapped,
            ["alignment_residual"] = outcome.AlignmentResidual,
        };
    }

    /// <summary>The job's work: waits for a batch in progress, then refits and rewrites the files.</summary>
    internal async Task<ProjectionOutcome> RecomputeAsync(Guid orgId, CancellationToken cancellationToken)
    {
        using var batch = await gate.EnterAsync(orgId, cancellationToken).ConfigureAwait(false);
        var outcome = await projection.UpdateAsync(orgId, refit: true, cancellationToken).ConfigureAwait(false);
        if (outcome.Action != ProjectionOutcome.None) await files.WriteAsync(orgId, outcome.NewVersion, cancellationToken).ConfigureAwait(false);
        return outcome;
    }
}
