using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Tessera.Core.Errors;
using Tessera.Core.Identity;
using Tessera.Data.Identity;
using Tessera.Platform.Downloads;
using Tessera.Traces.Parquet;

namespace Tessera.Traces.Api;

/// <summary>
/// The organization's Parquet files: a list with signed, expiring download links (a token holder asks; anyone with
/// the link downloads, as a notebook or DuckDB can without the token), and the download the links point at.
/// </summary>
internal static class TracesFilesEndpoints
{
    private static readonly TimeSpan LinkLifetime = TimeSpan.FromHours(1);

    public static RouteGroupBuilder MapTracesFiles(this RouteGroupBuilder traces)
    {
        traces.MapGet("/files", ListAsync).WithName("TracesListFiles").ProducesProblem(StatusCodes.Status403Forbidden)
            .WithSummary("The organization's logs.parquet and embeddings.parquet (those written so far), each with a signed download link valid for an hour.");
        traces.MapGet("/files/{name}", DownloadAsync).WithName("TracesDownloadFile").AllowAnonymous()
            .Produces(StatusCodes.Status200OK, contentType: TracesParquetFiles.ContentType).ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("Download one Parquet file through a signed link from GET /files (owner + expires + signature query parameters).");
        return traces;
    }

    private static async Task<Ok<TracesFilesResponse>> ListAsync(Caller caller, TracesParquetFiles files, SignedDownloads downloads)
    {
        var principal = caller.Require(Permissions.RunsRead);
        var links = new List<TracesFileLink>();
        foreach (var info in files.Existing(principal.OrgId))
        {
            var link = await downloads.SignLinkAsync($"/api/v1/traces/files/{info.Name}", principal.OrgId, LinkLifetime).ConfigureAwait(false);
            links.Add(new TracesFileLink(info.Name, info.Length, info.LastWriteTimeUtc, link.Url, link.ExpiresAt));
        }
        return TypedResults.Ok(new TracesFilesResponse(links));
    }

    private static async Task<FileStreamHttpResult> DownloadAsync(string name, HttpRequest request, TracesParquetFiles files, SignedDownloads downloads)
    {
        var orgId = await downloads.VerifyAsync(request).ConfigureAwait(false);
        var info = files.Existing(orgId).FirstOrDefault(f => f.Name == name)
            ?? throw new TesseraException(TracesErrorCodes.FileNotFound, 404, $"There is no '{name}' for this organization (yet): the files are written after the first embedded batch.");
        // Opened before answering: a rewrite renames a new file over this one, and this stream keeps reading the old one whole.
        var stream = new FileStream(info.FullName, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 1 << 16, useAsync: true);
        return TypedResults.Stream(stream, TracesParquetFiles.ContentType, fileDownloadName: info.Name, lastModified: info.LastWriteTimeUtc, enableRangeProcessing: true);
    }
}

/// <summary>The files written so far.</summary>
internal sealed record TracesFilesResponse(IReadOnlyList<TracesFileLink> Files);

/// <summary>One file: its name, size, when it was last written, and a signed link to download it until <paramref name="ExpiresAt"/>.</summary>
internal sealed record TracesFileLink(string Name, long SizeBytes, DateTime ModifiedAt, string Url, DateTimeOffset ExpiresAt);
