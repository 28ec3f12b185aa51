using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Tessera.Core.Errors;
using Tessera.Core.Identity;
using Tessera.Data.Identity;
using Tessera.Jobs.Http;

namespace Tessera.Jobs;

/// <summary>
/// <c>/api/v1/jobs</c>: the caller's own jobs. Ownership is part of every query, so another user's job answers
/// the same 404 as a job that does not exist.
/// </summary>
public static class JobEndpoints
{
    public static RouteGroupBuilder MapJobs(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        var jobs = api.MapGroup("/jobs").WithTags("jobs").RequireAuthorization().ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden);
        jobs.MapPost("/", EnqueueAsync).WithName("EnqueueJob").ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status409Conflict).WithSummary("Enqueue a job of a registered kind (idempotent with idempotency_key).");
        jobs.MapGet("/", ListAsync).WithName("ListJobs").ProducesProblem(StatusCodes.Status400BadRequest).WithSummary("List your jobs, newest first; filter by state and kind.");
        jobs.MapGet("/{id:guid}", GetAsync).WithName("GetJob").ProducesProblem(StatusCodes.Status404NotFound).WithSummary("One of your jobs.");
        jobs.MapGet("/{id:guid}/events", EventsAsync).WithName("GetJobEvents").ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).WithSummary("The job's events after a sequence number.");
        jobs.MapGet("/{id:guid}/events/stream", JobEventStream.StreamAsync).WithName("StreamJobEvents").Produces(StatusCodes.Status200OK, contentType: "text/event-stream").ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("Server-sent events: the job's events after Last-Event-ID or ?after=, until the job ends.");
        jobs.MapPost("/{id:guid}/cancel", CancelAsync).WithName("CancelJob").ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict).WithSummary("Cancel a job: at once if it has not started, cooperatively if it runs.");
        jobs.MapPost("/{id:guid}/retry", RetryAsync).WithName("RetryJob").ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict).WithSummary("Run a failed job again, as a new job.");
        return api;
    }

    private static async Task<Results<Created<JobInfo>, Ok<JobInfo>>> EnqueueAsync(
        EnqueueJobBody body, Caller caller, JobService jobs, [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey, CancellationToken cancellationToken)
    {
        var principal = caller.Require(Permissions.JobsWrite);
        if (string.IsNullOrWhiteSpace(body?.Kind)) throw TesseraException.Validation("kind is required.");
        var request = new JobRequest(body.Kind, body.Input)
        {
            IdempotencyKey = idempotencyKey ?? body.IdempotencyKey,
            Priority = body.Priority,
            RunAt = body.RunAt,
            MaxAttempts = body.MaxAttempts,
        };
        var result = await jobs.EnqueueAsync(JobOwner.Of(principal), request, cancellationToken).ConfigureAwait(false);
        return result.Created ? TypedResults.Created($"/api/v1/jobs/{result.Job.Id}", result.Job) : TypedResults.Ok(result.Job);
    }

    private static async Task<Ok<IReadOnlyList<JobInfo>>> ListAsync(
        Caller caller, JobService jobs, string? state, string? kind, int? limit, CancellationToken cancellationToken)
    {
        var principal = caller.Require(Permissions.JobsRead);
        JobState? filter = null;
        if (!string.IsNullOrEmpty(state))
        {
            if (!JobStates.TryParse(state, out var parsed))
                throw TesseraException.Validation($"Unknown state '{state}'. States: {string.Join(", ", Enum.GetValues<JobState>().Select(s => s.Name()))}.");
            filter = parsed;
        }
        var list = await jobs.ListAsync(JobScope.Of(principal), new JobListQuery(filter, string.IsNullOrEmpty(kind) ? null : kind, limit ?? 100), cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(list);
    }

    private static async Task<Ok<JobInfo>> GetAsync(Guid id, Caller caller, JobService jobs, CancellationToken cancellationToken) =>
        TypedResults.Ok(await jobs.GetAsync(JobScope.Of(caller.Require(Permissions.JobsRead)), id, cancellationToken).ConfigureAwait(false));

    private static async Task<Ok<IReadOnlyList<JobEvent>>> EventsAsync(
        Guid id, Caller caller, JobService jobs, long? after, int? limit, CancellationToken cancellationToken) =>
        TypedResults.Ok(await jobs.GetEventsAsync(JobScope.Of(caller.Require(Permissions.JobsRead)), id, after ?? 0, limit ?? 500, cancellationToken).ConfigureAwait(false));

    private static async Task<Ok<JobInfo>> CancelAsync(Guid id, Caller caller, JobService jobs, CancellationToken cancellationToken) =>
        TypedResults.Ok(await jobs.CancelAsync(JobScope.Of(caller.Require(Permissions.JobsWrite)), id, cancellationToken).ConfigureAwait(false));

    private static async Task<Created<JobInfo>> RetryAsync(Guid id, Caller caller, JobService jobs, CancellationToken cancellationToken)
    {
        var job = await jobs.RetryAsync(JobScope.Of(caller.Require(Permissions.JobsWrite)), id, cancellationToken).ConfigureAwait(false);
        return TypedResults.Created($"/api/v1/jobs/{job.Id}", job);
    }
}
