using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Tessera.Data.Identity;
using Tessera.Guides.Anchors;

namespace Tessera.Guides.Api;

/// <summary>Anchors, their screenshot assets and annotations.</summary>
internal static class GuidesAnchorEndpoints
{
    public static RouteGroupBuilder MapGuidesAnchors(this RouteGroupBuilder guides)
    {
        guides.MapPost("/instructions/{instructionId:guid}/anchors", CreateAsync).WithName("GuidesCreateAnchor")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .WithSummary("Pin screenshots to a step of the current version (block_id, optionally a char_range): 201, or 200 with the anchor already there.");
        guides.MapGet("/instructions/{instructionId:guid}/anchors", ListAsync).WithName("GuidesListAnchors").ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("The instructions' anchors, each resolved against the current version (resolved, moved or orphaned) with its active screenshot.");
        guides.MapGet("/anchors/{anchorId:guid}", GetAsync).WithName("GuidesGetAnchor").ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("An anchor with every asset attached to it, in order, and the active one.");
        guides.MapPost("/anchors/{anchorId:guid}/replace", ReplaceAsync).WithName("GuidesReplaceAnchorScreenshot")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("Attach another of the job's frames as the anchor's active screenshot.");
        guides.MapDelete("/anchors/{anchorId:guid}/assets/{assetId:guid}", DetachAsync).WithName("GuidesDetachAnchorAsset")
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("Detach an asset from the anchor (the asset stays); the active screenshot falls back to the newest still attached.");
        guides.MapPost("/anchors/{anchorId:guid}/annotations", AnnotateAsync).WithName("GuidesAnnotate")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .WithSummary("Draw an operation log (arrow, box, highlight, blur, text) on the anchor's frame: 201 a new render made active, 200 the same render again.");
        guides.MapGet("/assets/{assetId:guid}", ImageAsync).WithName("GuidesAssetImage").Produces(StatusCodes.Status200OK, contentType: "image/png")
            .ProducesProblem(StatusCodes.Status404NotFound).WithSummary("A screenshot asset's PNG (a frame, or a render).");
        return guides;
    }

    private static async Task<Results<Created<GuidesAnchor>, Ok<GuidesAnchor>>> CreateAsync(
        Guid instructionId, GuidesAnchorRequest request, Caller caller, AnchorService anchors, CancellationToken cancellationToken)
    {
        var (view, created) = await anchors.CreateAsync(caller.Principal, instructionId, request.BlockId, request.CharRange?.Start, request.CharRange?.End, cancellationToken)
            .ConfigureAwait(false);
        var shown = GuidesAnchor.From(view);
        return created ? TypedResults.Created($"/api/v1/guides/anchors/{shown.Id}", shown) : TypedResults.Ok(shown);
    }

    private static async Task<Ok<List<GuidesAnchor>>> ListAsync(Guid instructionId, Caller caller, AnchorService anchors, CancellationToken cancellationToken) =>
        TypedResults.Ok((await anchors.ListAsync(caller.Principal, instructionId, cancellationToken).ConfigureAwait(false)).Select(GuidesAnchor.From).ToList());

    private static async Task<Ok<GuidesAnchor>> GetAsync(Guid anchorId, Caller caller, AnchorService anchors, CancellationToken cancellationToken) =>
        TypedResults.Ok(GuidesAnchor.From(await anchors.GetAsync(caller.Principal, anchorId, cancellationToken).ConfigureAwait(false)));

    private static async Task<Ok<GuidesAnchor>> ReplaceAsync(Guid anchorId, GuidesReplaceRequest request, Caller caller, AnchorService anchors, CancellationToken cancellationToken) =>
        TypedResults.Ok(GuidesAnchor.From(await anchors.ReplaceAsync(caller.Principal, anchorId, request.FrameSha256, cancellationToken).ConfigureAwait(false)));

    private static async Task<Ok<GuidesAnchor>> DetachAsync(Guid anchorId, Guid assetId, Caller caller, AnchorService anchors, CancellationToken cancellationToken) =>
        TypedResults.Ok(GuidesAnchor.From(await anchors.DetachAsync(caller.Principal, anchorId, assetId, cancellationToken).ConfigureAwait(false)));

    private static async Task<Results<Created<GuidesAnnotation>, Ok<GuidesAnnotation>>> AnnotateAsync(
        Guid anchorId, GuidesAnnotationRequest request, Caller caller, AnchorService anchors, CancellationToken cancellationToken)
    {
        var (view, asset, created) = await anchors.AnnotateAsync(caller.Principal, anchorId, request.Ops, cancellationToken).ConfigureAwait(false);
        var shown = new GuidesAnnotation(GuidesAnchor.From(view), GuidesAsset.From(asset));
        return created ? TypedResults.Created($"/api/v1/guides/assets/{asset.Id}", shown) : TypedResults.Ok(shown);
    }

    private static async Task<FileStreamHttpResult> ImageAsync(Guid assetId, Caller caller, AnchorService anchors, CancellationToken cancellationToken) =>
        TypedResults.Stream((await anchors.ImageAsync(caller.Principal, assetId, cancellationToken).ConfigureAwait(false)).Png, "image/png");
}
