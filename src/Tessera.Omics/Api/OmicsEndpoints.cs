using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Tessera.Core.Errors;
using Tessera.Core.Identity;
using Tessera.Data.Identity;
using Tessera.Omics.Analysis;
using Tessera.Omics.Export;
using Tessera.Omics.Parsing;
using Tessera.Omics.Runs;
using Tessera.Omics.Search;

namespace Tessera.Omics.Api;

/// <summary>System 1's HTTP surface under <c>/api/v1/omics</c>: thin handlers over the Omics services.</summary>
internal static class OmicsEndpoints
{
    /// <summary>Maps the routes into the module's group (<c>/api/v1/omics</c>, authenticated callers only).</summary>
    public static RouteGroupBuilder MapOmics(this RouteGroupBuilder omics)
    {
        ArgumentNullException.ThrowIfNull(omics);
        omics.MapPost("/runs", UploadAsync).DisableAntiforgery().WithName("OmicsUploadRun")
            .AddOpenApiOperationTransformer(OmicsUploadFormSchema.DescribeAsync).ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status429TooManyRequests).ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .WithSummary("Upload peptides (multipart: file = FASTA/CSV/TSV, optional name and embedder); 202 with the run and its embedding job.");
        omics.MapGet("/runs", ListAsync).WithName("OmicsListRuns").WithSummary("Your runs, newest first.");
        omics.MapGet("/runs/{id:guid}", GetAsync).WithName("OmicsGetRun").ProducesProblem(StatusCodes.Status404NotFound).WithSummary("One of your runs, with its parse report.");
        omics.MapDelete("/runs/{id:guid}", DeleteAsync).WithName("OmicsDeleteRun").ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("Delete one of your runs: its peptides leave search results at once; 204.");
        omics.MapGet("/runs/{id:guid}/summary", SummaryAsync).WithName("OmicsGetRunSummary").ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict).WithSummary("Counts, histograms, descriptor and embedding statistics, clusters.");
        omics.MapGet("/runs/{id:guid}/export", ExportAsync).WithName("OmicsExportRun")
            .Produces(StatusCodes.Status200OK, contentType: "application/json", additionalContentTypes: ["text/csv", "application/octet-stream"]).ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict).WithSummary("OmicsToken v1 JSON (default), or ?format=csv|npy.");
        omics.MapPost("/compare", CompareAsync).WithName("OmicsCompareRuns").ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict).WithSummary("Compare two of your runs.");
        omics.MapPost("/search", SearchAsync).WithName("OmicsSearch").ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).WithSummary("Nearest peptides to a sequence or a stored peptide, among your runs only.");
        return omics;
    }

    private static async Task<Accepted<UploadResponse>> UploadAsync(
        HttpContext context, Caller caller, OmicsRunSubmission submissions, OmicsUploadService uploads, OmicsUploadSlots slots, CancellationToken cancellationToken)
    {
        var owner = caller.Require(Permissions.RunsWrite);
        // Refused before anything is stored, so a burst costs neither disk nor memory.
        IDisposable slot;
        try
        {
            slot = slots.Enter(owner);
        }
        catch (TesseraException)
        {
            await RefusedUploadBody.DiscardAsync(context.Request, cancellationToken).ConfigureAwait(false);
            throw;
        }
        using var held = slot;
        var (file, fields) = await OmicsUploadForm.ReadAsync(context.Request, uploads, cancellationToken).ConfigureAwait(false);
        await using (file)
        {
            var submitted = await submissions.SubmitAsync(owner, file, fields.FileName, fields.Name, fields.Embedder, cancellationToken).ConfigureAwait(false);
            return TypedResults.Accepted($"/api/v1/omics/runs/{submitted.Run.Id}", new UploadResponse(RunResponse.From(submitted.Run), submitted.Job));
        }
    }

    private static async Task<Ok<List<RunResponse>>> ListAsync(Caller caller, OmicsRunReader runs, CancellationToken cancellationToken) =>
        TypedResults.Ok((await runs.ListAsync(caller.Principal, cancellationToken).ConfigureAwait(false)).Select(RunResponse.From).ToList());

    private static async Task<Ok<RunResponse>> GetAsync(Guid id, Caller caller, OmicsRunReader runs, CancellationToken cancellationToken) =>
        TypedResults.Ok(RunResponse.From(await runs.GetAsync(caller.Principal, id, cancellationToken).ConfigureAwait(false)));

    private static async Task<NoContent> DeleteAsync(Guid id, Caller caller, OmicsRunDeletion deletion, CancellationToken cancellationToken)
    {
        await deletion.DeleteAsync(caller.Principal, id, cancellationToken).ConfigureAwait(false);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<OmicsAnalysisService.RunSummary>> SummaryAsync(Guid id, Caller caller, OmicsAnalysisService analysis, CancellationToken cancellationToken) =>
        TypedResults.Ok(await analysis.SummarizeAsync(caller.Principal, id, cancellationToken).ConfigureAwait(false));

    private static async Task<Ok<OmicsAnalysisService.RunComparison>> CompareAsync(CompareRequest request, Caller caller, OmicsAnalysisService analysis, CancellationToken cancellationToken) =>
        TypedResults.Ok(await analysis.CompareAsync(caller.Principal, request.RunA, request.RunB, cancellationToken).ConfigureAwait(false));

    private static async Task<Ok<OmicsSearchService.Response>> SearchAsync(
        OmicsSearchService.Request request, Caller caller, OmicsSearchService search, ParseLimits limits, CancellationToken cancellationToken)
    {
        SearchRequestLimits.Check(request, limits);
        return TypedResults.Ok(await search.SearchAsync(caller.Principal, request, cancellationToken).ConfigureAwait(false));
    }

    private static async Task ExportAsync(Guid id, string? format, HttpContext context, Caller caller, OmicsExportService exports, CancellationToken cancellationToken)
    {
        format ??= "json";
        var run = await exports.GetExportableRunAsync(caller.Principal, id, format, cancellationToken).ConfigureAwait(false);
        context.Response.ContentType = OmicsExportService.ContentType(format);
        context.Response.Headers.ContentDisposition = $"attachment; filename=\"run-{run.Id}.{format}\"";
        await exports.WriteAsync(run, format, context.Response.Body, cancellationToken).ConfigureAwait(false);
    }
}
