using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Net.Http.Headers;
using Tessera.Data.Identity;
using Tessera.Traces.Points;

namespace Tessera.Traces.Api;

/// <summary>The map page's routes under <c>/api/v1/traces/map/points</c>: the binary points, one point's record, a selection's export.</summary>
internal static class TracesPointsEndpoints
{
    public static RouteGroupBuilder MapTracesPoints(this RouteGroupBuilder traces)
    {
        ArgumentNullException.ThrowIfNull(traces);
        traces.MapGet("/map/points", PointsAsync).WithName("TracesMapPoints")
            .Produces<byte[]>(StatusCodes.Status200OK, TracesPointsPayload.ContentType).Produces(StatusCodes.Status304NotModified)
            .WithSummary("The organization's map as one binary body (layout: docs/traces-map-points.md); ETag/If-None-Match answers 304 while the map is unchanged.");
        traces.MapGet("/map/points/{seq:long}", RecordAsync).WithName("TracesMapPointRecord").ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("The record behind one point of the map, by its seq.");
        traces.MapPost("/map/points/export", ExportAsync).WithName("TracesMapPointsExport")
            .Produces<byte[]>(StatusCodes.Status200OK, "text/csv", "application/x-ndjson").ProducesProblem(StatusCodes.Status400BadRequest)
            .WithSummary("The selected records (by seq, at most 100,000) as CSV (formula-safe cells) or JSONL; seqs the caller may not see are left out.");
        return traces;
    }

    private static async Task<IResult> PointsAsync(HttpContext context, Caller caller, TracesPointsService points, CancellationToken cancellationToken)
    {
        var asked = context.Request.Headers.IfNoneMatch.ToString();
        if (asked.Length > 0)
        {
            // A poll: one aggregate query decides whether anything changed.
            var tag = await points.TagAsync(caller.Principal, cancellationToken).ConfigureAwait(false);
            if (asked == tag)
            {
                context.Response.Headers.ETag = tag;
                return Results.StatusCode(StatusCodes.Status304NotModified);
            }
        }
        var (etag, body) = await points.ReadAsync(caller.Principal, cancellationToken).ConfigureAwait(false);
        context.Response.Headers.ETag = etag;
        context.Response.Headers[HeaderNames.CacheControl] = "no-cache";
        return Results.Bytes(body, TracesPointsPayload.ContentType);
    }

    private static async Task<Ok<TracesRecordView>> RecordAsync(long seq, Caller caller, TracesPointsService points, CancellationToken cancellationToken) =>
        TypedResults.Ok(await points.GetRecordAsync(caller.Principal, seq, cancellationToken).ConfigureAwait(false));

    private static async Task ExportAsync(ExportRequest request, HttpContext context, Caller caller, TracesPointsService points, CancellationToken cancellationToken)
    {
        var format = request.Format ?? "csv";
        var records = await points.SelectAsync(caller.Principal, request.Seqs, format, cancellationToken).ConfigureAwait(false);
        context.Response.ContentType = SelectionExportWriter.ContentType(format);
        context.Response.Headers.ContentDisposition = $"attachment; filename=\"traces-selection.{format}\"";
        await SelectionExportWriter.WriteAsync(records, format, context.Response.Body, cancellationToken).ConfigureAwait(false);
    }

    internal sealed record ExportRequest([property: JsonRequired] IReadOnlyList<long> Seqs, string? Format);
}
