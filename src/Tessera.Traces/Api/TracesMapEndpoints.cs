using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Tessera.Core.Errors;
using Tessera.Core.Identity;
using Tessera.Data.Identity;
using Tessera.Jobs;
using Tessera.Traces.Projection;

namespace Tessera.Traces.Api;

/// <summary>The map's routes: ask for a refit (a job, queued behind a batch in progress) and read the current projection.</summary>
internal static class TracesMapEndpoints
{
    public static RouteGroupBuilder MapTracesMap(this RouteGroupBuilder traces)
    {
        traces.MapPost("/recompute-projection", RecomputeAsync).WithName("TracesRecomputeProjection").ProducesProblem(StatusCodes.Status403Forbidden)
            .WithSummary("Refit the organization's map on all its vectors, aligned to the current map; runs after a batch in progress.");
        traces.MapGet("/projection", GetAsync).WithName("TracesGetProjection").ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("The current projection: version, kind (fit or refit), fitted records, alignment residual and the model (base64).");
        return traces;
    }

    private static async Task<Accepted<JobInfo>> RecomputeAsync(Caller caller, JobService jobs, CancellationToken cancellationToken)
    {
        var principal = caller.Require(Permissions.RunsWrite);
        var job = (await jobs.EnqueueAsync(JobOwner.Of(principal), new JobRequest(TracesRecomputeJobHandler.JobKind, null), cancellationToken).ConfigureAwait(false)).Job;
        return TypedResults.Accepted($"/api/v1/jobs/{job.Id}", job);
    }

    private static async Task<Ok<TracesProjectionResponse>> GetAsync(Caller caller, TracesProjectionService projection, CancellationToken cancellationToken)
    {
        var principal = caller.Require(Permissions.RunsRead);
        var row = await projection.ReadCurrentAsync(principal.OrgId, cancellationToken).ConfigureAwait(false)
            ?? throw new TesseraException(TracesErrorCodes.NoProjection, 404, "This organization has no map yet: it is fitted after the first embedded batch.");
        return TypedResults.Ok(new TracesProjectionResponse(row.Version, row.Kind, row.FittedRecords, row.AlignmentResidual, row.Embedder, row.ModelHash, row.Dimension, row.CreatedAt, Convert.ToBase64String(row.Model)));
    }
}
