using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Tessera.Core.Blobs;
using Tessera.Core.Errors;
using Tessera.Data.Identity;
using Tessera.Guides.Callbacks;
using Tessera.Guides.Instructions;
using Tessera.Guides.Jobs;

namespace Tessera.Guides.Api;

/// <summary>The routes of <c>/api/v1/guides</c>, as <c>src/Tessera.Guides/spec/openapi.json</c> declares them: thin handlers over <see cref="GuideJobService"/> and <see cref="CallbackService"/>.</summary>
internal static class GuidesEndpoints
{
    public const int DefaultTranscriptLimit = 100;
    public const int MaxTranscriptLimit = 1000;
    public const int MaxCallbackBytes = 1024 * 1024;

    public static RouteGroupBuilder MapGuides(this RouteGroupBuilder guides)
    {
        ArgumentNullException.ThrowIfNull(guides);
        guides.MapPost("/projects", CreateProjectAsync).WithName("GuidesCreateProject").ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status400BadRequest).WithSummary("Create a project.");
        guides.MapGet("/projects", ListProjectsAsync).WithName("GuidesListProjects").WithSummary("Your projects, newest first.");
        guides.MapGet("/projects/{projectId:guid}", GetProjectAsync).WithName("GuidesGetProject").ProducesProblem(StatusCodes.Status404NotFound).WithSummary("One of your projects.");
        guides.MapPost("/uploads", UploadAsync).DisableAntiforgery().WithName("GuidesUploadVideo").ProducesProblem(StatusCodes.Status403Forbidden).AddOpenApiOperationTransformer(GuidesBodySchemas.DescribeVideoAsync)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .WithSummary("Store a video (the request body, as it is); 201 with the video_uri to confirm a job's upload with.");
        guides.MapPost("/projects/{projectId:guid}/jobs", CreateJobAsync).WithName("GuidesCreateJob").ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("Create a job in a project: CREATED, waiting for its video.");
        guides.MapGet("/jobs/{jobId:guid}", GetJobAsync).WithName("GuidesGetJob").ProducesProblem(StatusCodes.Status404NotFound).WithSummary("One of your jobs.");
        guides.MapGet("/jobs/{jobId:guid}/transitions", TransitionsAsync).WithName("GuidesJobTransitions").ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("Every status change of the job, in order, with who made it and why.");
        guides.MapPost("/jobs/{jobId:guid}/confirm-upload", ConfirmUploadAsync).WithName("GuidesConfirmUpload").ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .WithSummary("CREATED → UPLOADED with the uploaded video; the same video_uri again is a no-op, another is 409 VIDEO_URI_CONFLICT.");
        guides.MapPost("/jobs/{jobId:guid}/run", RunAsync).WithName("GuidesRunJob").ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("UPLOADED → QUEUED, dispatched to the worker: 202 the first time, 200 on a replay, which dispatches nothing.");
        guides.MapPost("/jobs/{jobId:guid}/cancel", CancelAsync).WithName("GuidesCancelJob").ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Cancel an open job (and its processing); a cancelled job answers as it is, a DONE or FAILED one 409.");
        guides.MapPost("/jobs/{jobId:guid}/retry", RetryAsync).WithName("GuidesRetryJob").ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Retry a FAILED job: 202 with a new job that resumes after the failed one's checkpoint; 200 with that job on a replay.");
        guides.MapGet("/jobs/{jobId:guid}/transcript", TranscriptAsync).WithName("GuidesJobTranscript")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("The transcript a page at a time (offset, limit); 409 TRANSCRIPT_NOT_READY before the job is transcribed.");
        guides.MapGet("/jobs/{jobId:guid}/frames/{sha256}", FrameAsync).WithName("GuidesJobFrame").Produces(StatusCodes.Status200OK, contentType: "image/png")
            .ProducesProblem(StatusCodes.Status404NotFound).WithSummary("A frame the job's processing kept (PNG), by the hash its artifacts and steps name.");
        guides.MapGet("/jobs/{jobId:guid}/instructions", JobInstructionsAsync).WithName("GuidesJobInstructions")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("The job's instructions at their current version; 409 INSTRUCTIONS_NOT_READY before they are drafted.");
        guides.MapGet("/instructions/{instructionId:guid}", InstructionAsync).WithName("GuidesGetInstructions")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("Instructions at their current version, or ?version=N.");
        guides.MapPut("/instructions/{instructionId:guid}", SaveInstructionsAsync).WithName("GuidesSaveInstructions")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Save an edit as the next version; base_version must be the current one, else 409 VERSION_CONFLICT with current_version.");
        guides.MapPost("/internal/jobs/{jobId:guid}/status", CallbackAsync).AllowAnonymous().DisableAntiforgery().WithName("GuidesWorkerCallback")
            .AddOpenApiOperationTransformer(GuidesBodySchemas.DescribeCallbackAsync)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .WithSummary("A worker's status callback, signed Standard Webhooks style: 204 applied, 200 an identical replay, 409 a reused event id, an old sequence or a transition not allowed.");
        return guides.MapGuidesExports().MapGuidesAnchors().MapGuidesTasks().MapGuidesScreenshots();
    }

    private static async Task<Created<GuidesProject>> CreateProjectAsync(GuidesProjectRequest request, Caller caller, GuideJobService service, CancellationToken cancellationToken)
    {
        var project = await service.CreateProjectAsync(caller.Principal, request.Name, cancellationToken).ConfigureAwait(false);
        return TypedResults.Created($"/api/v1/guides/projects/{project.Id}", GuidesProject.From(project));
    }

    private static async Task<Ok<List<GuidesProject>>> ListProjectsAsync(Caller caller, GuideJobService service, CancellationToken cancellationToken) =>
        TypedResults.Ok((await service.ListProjectsAsync(caller.Principal, cancellationToken).ConfigureAwait(false)).Select(GuidesProject.From).ToList());

    private static async Task<Ok<GuidesProject>> GetProjectAsync(Guid projectId, Caller caller, GuideJobService service, CancellationToken cancellationToken) =>
        TypedResults.Ok(GuidesProject.From(await service.GetProjectAsync(caller.Principal, projectId, cancellationToken).ConfigureAwait(false)));

    private static async Task<Created<GuidesUpload>> UploadAsync(HttpRequest request, Caller caller, GuideJobService service, CancellationToken cancellationToken)
    {
        var blob = await service.UploadAsync(caller.Principal, request.Body, cancellationToken).ConfigureAwait(false);
        var uri = GuideJobService.VideoUri(blob.Sha256);
        return TypedResults.Created(uri, new GuidesUpload(uri, blob.Sha256, blob.Size));
    }

    private static async Task<Created<GuidesJob>> CreateJobAsync(Guid projectId, Caller caller, GuideJobService service, CancellationToken cancellationToken)
    {
        var job = await service.CreateJobAsync(caller.Principal, projectId, cancellationToken).ConfigureAwait(false);
        return TypedResults.Created($"/api/v1/guides/jobs/{job.Id}", GuidesJob.From(job));
    }

    private static async Task<Ok<GuidesJob>> GetJobAsync(Guid jobId, Caller caller, GuideJobService service, CancellationToken cancellationToken) =>
        TypedResults.Ok(GuidesJob.From(await service.GetJobAsync(caller.Principal, jobId, cancellationToken).ConfigureAwait(false)));

    private static async Task<Ok<List<GuidesTransition>>> TransitionsAsync(Guid jobId, Caller caller, GuideJobService service, CancellationToken cancellationToken) =>
        TypedResults.Ok((await service.TransitionsAsync(caller.Principal, jobId, cancellationToken).ConfigureAwait(false)).Select(GuidesTransition.From).ToList());

    private static async Task<Ok<GuidesJob>> ConfirmUploadAsync(Guid jobId, GuidesConfirmUpload request, Caller caller, GuideJobService service, CancellationToken cancellationToken) =>
        TypedResults.Ok(GuidesJob.From(await service.ConfirmUploadAsync(caller.Principal, jobId, request.VideoUri, cancellationToken).ConfigureAwait(false)));

    private static async Task<Results<Accepted<GuidesJob>, Ok<GuidesJob>>> RunAsync(Guid jobId, Caller caller, GuideJobService service, CancellationToken cancellationToken)
    {
        var (job, dispatched) = await service.RunAsync(caller.Principal, jobId, cancellationToken).ConfigureAwait(false);
        return dispatched ? TypedResults.Accepted($"/api/v1/guides/jobs/{job.Id}", GuidesJob.From(job)) : TypedResults.Ok(GuidesJob.From(job));
    }

    private static async Task<Ok<GuidesJob>> CancelAsync(Guid jobId, Caller caller, GuideJobService service, CancellationToken cancellationToken) =>
        TypedResults.Ok(GuidesJob.From(await service.CancelAsync(caller.Principal, jobId, cancellationToken).ConfigureAwait(false)));

    private static async Task<Results<Accepted<GuidesJob>, Ok<GuidesJob>>> RetryAsync(Guid jobId, Caller caller, GuideJobService service, CancellationToken cancellationToken)
    {
        var (job, created) = await service.RetryAsync(caller.Principal, jobId, cancellationToken).ConfigureAwait(false);
        return created ? TypedResults.Accepted($"/api/v1/guides/jobs/{job.Id}", GuidesJob.From(job)) : TypedResults.Ok(GuidesJob.From(job));
    }

    private static async Task<Ok<GuidesTranscriptPage>> TranscriptAsync(
        Guid jobId, Caller caller, GuideJobService service, CancellationToken cancellationToken, int? offset = null, int? limit = null)
    {
        var from = offset ?? 0;
        var size = limit ?? DefaultTranscriptLimit;
        if (from < 0) throw TesseraException.Validation("offset must be 0 or more.");
        if (size is < 1 or > MaxTranscriptLimit) throw TesseraException.Validation($"limit must be from 1 to {MaxTranscriptLimit}.");
        var (job, transcript) = await service.TranscriptAsync(caller.Principal, jobId, cancellationToken).ConfigureAwait(false);
        var page = transcript.Segments.Skip(from).Take(size).Select(GuidesTranscriptSegment.From).ToList();
        var next = from + page.Count < transcript.Segments.Count ? from + page.Count : (int?)null;
        return TypedResults.Ok(new GuidesTranscriptPage(job.Id, transcript.Recognizer, page, from, size, transcript.Segments.Count, next));
    }

    private static async Task<FileStreamHttpResult> FrameAsync(Guid jobId, string sha256, Caller caller, GuideJobService service, IBlobStore blobs, CancellationToken cancellationToken)
    {
        var job = await service.GetJobAsync(caller.Principal, jobId, cancellationToken).ConfigureAwait(false);
        if (!InstructionService.Frames(job.Artifacts).ContainsKey(sha256)) throw TesseraException.NotFound();
        return TypedResults.Stream(await blobs.OpenReadAsync(sha256, cancellationToken).ConfigureAwait(false), "image/png");
    }

    private static async Task<Ok<GuidesInstruction>> JobInstructionsAsync(Guid jobId, Caller caller, InstructionService instructions, CancellationToken cancellationToken)
    {
        var (instruction, version) = await instructions.ForJobAsync(caller.Principal, jobId, cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(GuidesInstruction.From(instruction, version));
    }

    private static async Task<Ok<GuidesInstruction>> InstructionAsync(
        Guid instructionId, Caller caller, InstructionService instructions, CancellationToken cancellationToken, int? version = null)
    {
        var (instruction, found) = await instructions.GetAsync(caller.Principal, instructionId, version, cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(GuidesInstruction.From(instruction, found));
    }

    private static async Task<Ok<GuidesInstruction>> SaveInstructionsAsync(
        Guid instructionId, GuidesInstructionSave request, Caller caller, InstructionService instructions, CancellationToken cancellationToken)
    {
        var edits = request.Blocks?.Select(b => new BlockEdit(b.Id, b.Text, b.FrameSha256)).ToList();
        var (instruction, version) = await instructions.SaveAsync(caller.Principal, instructionId, request.BaseVersion, edits, cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(GuidesInstruction.From(instruction, version));
    }

    private static async Task<Results<NoContent, Ok<GuidesCallbackReplay>>> CallbackAsync(Guid jobId, HttpRequest request, CallbackService callbacks, CancellationToken cancellationToken)
    {
        // Anyone may call it before the signature is checked: read a bounded body.
        using var body = new MemoryStream();
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (body.Length + read > MaxCallbackBytes)
                throw new TesseraException(ErrorCodes.PayloadTooLarge, 413, $"A callback body may hold at most {MaxCallbackBytes} bytes.");
            body.Write(buffer, 0, read);
        }
        var replay = await callbacks.ApplyAsync(jobId, request.Headers[CallbackSignature.IdHeader], request.Headers[CallbackSignature.TimestampHeader],
            request.Headers[CallbackSignature.SignatureHeader], body.ToArray(), cancellationToken).ConfigureAwait(false);
        return replay is null ? TypedResults.NoContent() : TypedResults.Ok(GuidesCallbackReplay.From(replay));
    }
}
