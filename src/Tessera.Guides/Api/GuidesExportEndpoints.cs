using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Tessera.Guides.Exports;
using Tessera.Data.Identity;

namespace Tessera.Guides.Api;

/// <summary>Exports: request one (202 new, 200 a replay), read it, and download its bundle through the signed URL it gives.</summary>
internal static class GuidesExportEndpoints
{
    public static RouteGroupBuilder MapGuidesExports(this RouteGroupBuilder guides)
    {
        guides.MapPost("/jobs/{jobId:guid}/exports", RequestAsync).WithName("GuidesRequestExport")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Export a version of the job's instructions (markdown, html, pdf or docx, a zip with the screenshots): 202 queued, 200 the same export on a replay.");
        guides.MapGet("/exports/{exportId:guid}", GetAsync).WithName("GuidesGetExport").ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("An export: REQUESTED, RUNNING, SUCCEEDED (with its provenance and a signed download_url that expires) or FAILED.");
        guides.MapGet("/exports/{exportId:guid}/download", DownloadAsync).AllowAnonymous().WithName("GuidesDownloadExport")
            .Produces(StatusCodes.Status200OK, contentType: "application/zip").ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("The export's bundle, through the signed URL its GET gave (owner, expires and signature parameters).");
        return guides;
    }

    private static async Task<Results<Accepted<GuidesExport>, Ok<GuidesExport>>> RequestAsync(
        Guid jobId, GuidesExportRequest request, Caller caller, ExportService exports, CancellationToken cancellationToken)
    {
        var (export, queued) = await exports.RequestAsync(caller.Principal, jobId, request.Format, request.InstructionVersion, cancellationToken).ConfigureAwait(false);
        // A replay of a request that already succeeded answers with its download link, as a GET would.
        var shown = GuidesExport.From(export, await exports.DownloadLinkAsync(export).ConfigureAwait(false));
        return queued ? TypedResults.Accepted($"/api/v1/guides/exports/{export.Id}", shown) : TypedResults.Ok(shown);
    }

    private static async Task<Ok<GuidesExport>> GetAsync(Guid exportId, Caller caller, ExportService exports, CancellationToken cancellationToken)
    {
        var (export, download) = await exports.GetAsync(caller.Principal, exportId, cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(GuidesExport.From(export, download));
    }

    private static async Task<FileStreamHttpResult> DownloadAsync(Guid exportId, HttpRequest request, ExportService exports, CancellationToken cancellationToken)
    {
        var (export, bundle) = await exports.DownloadAsync(request, exportId, cancellationToken).ConfigureAwait(false);
        return TypedResults.Stream(bundle, "application/zip", ExportService.FileName(export));
    }
}
