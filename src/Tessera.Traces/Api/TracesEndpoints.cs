using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Tessera.Data.Identity;
using Tessera.Traces.Records;
using Tessera.Traces.Sources;

namespace Tessera.Traces.Api;

/// <summary>Ingestion's HTTP surface under <c>/api/v1/traces</c>: health, sources, records. Thin handlers over the services.</summary>
internal static class TracesEndpoints
{
    public static RouteGroupBuilder MapTraces(this RouteGroupBuilder traces)
    {
        ArgumentNullException.ThrowIfNull(traces);
        traces.MapGet("/health", HealthAsync).WithName("TracesHealth").WithSummary("Whether the pipeline runs, and each of your organization's sources: files by state, records, problems.");
        traces.MapGet("/sources", ListSourcesAsync).WithName("TracesListSources").WithSummary("Your organization's sources.");
        traces.MapPost("/sources", CreateSourceAsync).WithName("TracesCreateSource").ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Watch a folder (inside an allowed root) for agent-run logs; 201 with the source.");
        traces.MapGet("/sources/{id:guid}", GetSourceAsync).WithName("TracesGetSource").ProducesProblem(StatusCodes.Status404NotFound).WithSummary("One source.");
        traces.MapGet("/sources/{id:guid}/problems", ProblemsAsync).WithName("TracesSourceProblems").ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("The source's files that had lines skipped, each with the line numbers and reasons.");
        traces.MapPut("/sources/{id:guid}", UpdateSourceAsync).WithName("TracesUpdateSource").ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Replace a source's settings.");
        traces.MapDelete("/sources/{id:guid}", DeleteSourceAsync).WithName("TracesDeleteSource").ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound).WithSummary("Delete a source and every record ingested from it; 204.");
        traces.MapGet("/records", ListRecordsAsync).WithName("TracesListRecords").ProducesProblem(StatusCodes.Status400BadRequest)
            .WithSummary("Your organization's records in storage order, a page at a time (pass 'next' as 'after').");
        traces.MapGet("/records/{id}", GetRecordAsync).WithName("TracesGetRecord").ProducesProblem(StatusCodes.Status404NotFound).WithSummary("One record by its id.");
        traces.MapPost("/records/search", SearchAsync).WithName("TracesSearchRecords").ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status409Conflict).WithSummary("The records nearest to a text, embedded with your records' model.");
        return traces;
    }

    private static async Task<Ok<TracesHealth>> HealthAsync(Caller caller, TracesHealthService health, CancellationToken cancellationToken)
    {
        var state = await health.GetAsync(caller.Principal, cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(new TracesHealth(state.PipelineRunning, state.BatchInProgress, [.. state.Sources.Select(TracesSourceState.From)]));
    }

    private static async Task<Ok<List<TracesSourceResponse>>> ListSourcesAsync(Caller caller, TracesSourceService sources, CancellationToken cancellationToken) =>
        TypedResults.Ok((await sources.ListAsync(caller.Principal, cancellationToken).ConfigureAwait(false)).Select(TracesSourceResponse.From).ToList());

    private static async Task<Created<TracesSourceResponse>> CreateSourceAsync(
        TracesSourceSettings request, Caller caller, TracesSourceService sources, CancellationToken cancellationToken)
    {
        var source = await sources.CreateAsync(caller.Principal, request, cancellationToken).ConfigureAwait(false);
        return TypedResults.Created($"/api/v1/traces/sources/{source.Id}", TracesSourceResponse.From(source));
    }

    private static async Task<Ok<TracesProblemsResponse>> ProblemsAsync(Guid id, Caller caller, TracesHealthService health, CancellationToken cancellationToken)
    {
        var files = await health.ProblemsAsync(caller.Principal, id, cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(new TracesProblemsResponse([.. files.Select(f => new TracesFileProblems(f.FilePath, f.State, [.. f.Problems.Select(p => new TracesLineProblem(p.Line, p.Reason))]))]));
    }

    private static async Task<Ok<TracesSourceResponse>> GetSourceAsync(Guid id, Caller caller, TracesSourceService sources, CancellationToken cancellationToken) =>
        TypedResults.Ok(TracesSourceResponse.From(await sources.GetAsync(caller.Principal, id, cancellationToken).ConfigureAwait(false)));

    private static async Task<Ok<TracesSourceResponse>> UpdateSourceAsync(
        Guid id, TracesSourceSettings request, Caller caller, TracesSourceService sources, CancellationToken cancellationToken) =>
        TypedResults.Ok(TracesSourceResponse.From(await sources.UpdateAsync(caller.Principal, id, request, cancellationToken).ConfigureAwait(false)));

    private static async Task<NoContent> DeleteSourceAsync(Guid id, Caller caller, TracesSourceService sources, CancellationToken cancellationToken)
    {
        await sources.DeleteAsync(caller.Principal, id, cancellationToken).ConfigureAwait(false);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<TracesRecordPage>> ListRecordsAsync(
        Caller caller, TracesRecordService records, [FromQuery(Name = "source_id")] Guid? sourceId, [FromQuery(Name = "file_path")] string? filePath,
        string? after, int? limit, CancellationToken cancellationToken)
    {
        var page = await records.ListAsync(caller.Principal, sourceId, filePath, after, limit, cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(new TracesRecordPage([.. page.Items.Select(TracesRecord.From)], page.Next));
    }

    private static async Task<Ok<TracesRecord>> GetRecordAsync(string id, Caller caller, TracesRecordService records, CancellationToken cancellationToken) =>
        TypedResults.Ok(TracesRecord.From(await records.GetAsync(caller.Principal, id, cancellationToken).ConfigureAwait(false)));

    private static async Task<Ok<TracesSearchResponse>> SearchAsync(TracesSearchRequest request, Caller caller, TracesRecordService records, CancellationToken cancellationToken)
    {
        var found = await records.SearchAsync(caller.Principal, request.Query, request.K, null, cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(new TracesSearchResponse(found.Embedder, [.. found.Results.Select(h => new TracesSearchHit(TracesRecord.From(h.Record), h.Distance))]));
    }
}
