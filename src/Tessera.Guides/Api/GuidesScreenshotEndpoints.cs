using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Tessera.Data.Identity;
using Tessera.Guides.Anchors;
using Tessera.Guides.Screenshots;

namespace Tessera.Guides.Api;

/// <summary>Screenshots: frames taken at chosen times (a task to poll), and images users upload, confirm and attach to anchors.</summary>
internal static class GuidesScreenshotEndpoints
{
    public static string AssetUrl(Guid assetId) => $"/api/v1/guides/assets/{assetId}";

    public static RouteGroupBuilder MapGuidesScreenshots(this RouteGroupBuilder guides)
    {
        guides.MapPost("/jobs/{jobId:guid}/screenshots/extract", ExtractAsync).WithName("GuidesExtractScreenshots")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .WithSummary("Take the frames at chosen times of the job's video: 202 a task queued, 200 the same task on a replay (the times in any order).");
        guides.MapGet("/screenshot-tasks/{taskId:guid}", GetTaskAsync).WithName("GuidesGetScreenshotTask").ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("A screenshot task: QUEUED, RUNNING, SUCCEEDED (with a frame asset per time) or FAILED (with its failure).");
        guides.MapPost("/jobs/{jobId:guid}/screenshots/uploads", UploadAsync).DisableAntiforgery().WithName("GuidesUploadScreenshot")
            .AddOpenApiOperationTransformer(GuidesBodySchemas.DescribeImageAsync)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .WithSummary("Store a screenshot (a PNG or JPEG, the request body as it is) for the job: 201, or 200 with the same bytes' upload.");
        guides.MapPost("/jobs/{jobId:guid}/screenshots/uploads/{uploadId:guid}/confirm", ConfirmAsync).WithName("GuidesConfirmScreenshotUpload")
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .WithSummary("Check the upload is a usable image and make it the job's screenshot asset; confirming again answers the same asset.");
        guides.MapPost("/anchors/{anchorId:guid}/attach-upload", AttachUploadAsync).WithName("GuidesAttachUpload")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Attach a confirmed screenshot upload of the anchor's job as its active screenshot.");
        return guides;
    }

    private static async Task<Results<Accepted<GuidesScreenshotTask>, Ok<GuidesScreenshotTask>>> ExtractAsync(
        Guid jobId, GuidesScreenshotRequest request, Caller caller, ScreenshotService screenshots, CancellationToken cancellationToken)
    {
        var (task, queued) = await screenshots.RequestAsync(caller.Principal, jobId, request.TimestampsMs, cancellationToken).ConfigureAwait(false);
        if (!queued)
        {
            // A replay answers as a GET would: with the frames once it SUCCEEDED.
            var (found, shots) = await screenshots.GetAsync(caller.Principal, task.Id, cancellationToken).ConfigureAwait(false);
            return TypedResults.Ok(GuidesScreenshotTask.From(found, shots));
        }
        return TypedResults.Accepted($"/api/v1/guides/screenshot-tasks/{task.Id}", GuidesScreenshotTask.From(task, []));
    }

    private static async Task<Ok<GuidesScreenshotTask>> GetTaskAsync(Guid taskId, Caller caller, ScreenshotService screenshots, CancellationToken cancellationToken)
    {
        var (task, shots) = await screenshots.GetAsync(caller.Principal, taskId, cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(GuidesScreenshotTask.From(task, shots));
    }

    private static async Task<Results<Created<GuidesScreenshotUpload>, Ok<GuidesScreenshotUpload>>> UploadAsync(
        Guid jobId, HttpRequest request, Caller caller, ScreenshotUploadService uploads, CancellationToken cancellationToken)
    {
        var (upload, created) = await uploads.UploadAsync(caller.Principal, jobId, request.Body, cancellationToken).ConfigureAwait(false);
        var shown = GuidesScreenshotUpload.From(upload, null);
        return created ? TypedResults.Created($"/api/v1/guides/jobs/{jobId}/screenshots/uploads/{upload.Id}", shown) : TypedResults.Ok(shown);
    }

    private static async Task<Ok<GuidesScreenshotUpload>> ConfirmAsync(Guid jobId, Guid uploadId, Caller caller, ScreenshotUploadService uploads, CancellationToken cancellationToken)
    {
        var (upload, asset) = await uploads.ConfirmAsync(caller.Principal, jobId, uploadId, cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(GuidesScreenshotUpload.From(upload, asset));
    }

    private static async Task<Ok<GuidesAnchor>> AttachUploadAsync(
        Guid anchorId, GuidesAttachUploadRequest request, Caller caller, AnchorService anchors, CancellationToken cancellationToken) =>
        TypedResults.Ok(GuidesAnchor.From(await anchors.AttachUploadAsync(caller.Principal, anchorId, request.UploadId, cancellationToken).ConfigureAwait(false)));
}
