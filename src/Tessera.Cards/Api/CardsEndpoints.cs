using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Tessera.Cards.Download;
using Tessera.Cards.Jobs;
using Tessera.Cards.Status;
using Tessera.Core.Errors;
using Tessera.Core.Identity;
using Tessera.Data.Identity;
using Tessera.Jobs;

namespace Tessera.Cards.Api;

/// <summary>The Cards routes under <c>/api/v1/cards</c>: status, and imports and downloads started as jobs. Thin handlers over the services.</summary>
internal static class CardsEndpoints
{
    public static RouteGroupBuilder MapCards(this RouteGroupBuilder cards)
    {
        ArgumentNullException.ThrowIfNull(cards);
        cards.MapGet("/status", StatusAsync).WithName("CardsStatus").ProducesProblem(StatusCodes.Status403Forbidden)
            .WithSummary("Your organization's catalog (cards, image URLs per size), downloads (done, failed by reason) and latest imports.");
        cards.MapPost("/imports", ImportAsync).WithName("CardsImport").ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status403Forbidden)
            .WithSummary("Import a Scryfall bulk-data file from an http(s) URL as a job (cards.import); 202 with the job.");
        cards.MapPost("/downloads", DownloadAsync).WithName("CardsDownload").ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status403Forbidden)
            .WithSummary("Download the catalog's images of one size as a job (cards.download); images already stored are skipped; 202 with the job.");
        return cards;
    }

    private static async Task<Ok<CardsStatusResponse>> StatusAsync(Caller caller, CardsStatusService status, CancellationToken cancellationToken) =>
        TypedResults.Ok(CardsStatusResponse.From(await status.GetAsync(caller.Principal, cancellationToken).ConfigureAwait(false)));

    private static async Task<Accepted<JobInfo>> ImportAsync(CardsImportRequest request, Caller caller, JobService jobs, CardsSettings settings, CancellationToken cancellationToken)
    {
        var principal = caller.Require(Permissions.RunsWrite);
        if (request.Url is not { } url || !CardsHttp.IsUrl(url, out _)) throw TesseraException.Validation("url must be an http(s) URL to a Scryfall bulk-data file.");
        if (!settings.AllowsImportFrom(url)) throw new TesseraException(CardsErrorCodes.ImportHostNotAllowed, 400, CardsImportJobHandler.HostNotAllowed(settings));
        return await EnqueueAsync(jobs, principal, new JobRequest(CardsImportJobHandler.JobKind, CardsImportJobHandler.Input(url)), cancellationToken).ConfigureAwait(false);
    }

    private static async Task<Accepted<JobInfo>> DownloadAsync(CardsDownloadRequest request, Caller caller, JobService jobs, CancellationToken cancellationToken)
    {
        var principal = caller.Require(Permissions.RunsWrite);
        var download = new DownloadRequest
        {
            Size = request.Size ?? DownloadRequest.DefaultSize,
            Workers = request.Workers ?? DownloadRequest.DefaultWorkers,
            Limit = request.Limit,
            Revalidate = request.Revalidate ?? false,
        }.Validate();
        return await EnqueueAsync(jobs, principal, new JobRequest(CardsDownloadJobHandler.JobKind, CardsDownloadJobHandler.Input(download)), cancellationToken).ConfigureAwait(false);
    }

    private static async Task<Accepted<JobInfo>> EnqueueAsync(JobService jobs, Principal principal, JobRequest request, CancellationToken cancellationToken)
    {
        var job = (await jobs.EnqueueAsync(JobOwner.Of(principal), request, cancellationToken).ConfigureAwait(false)).Job;
        return TypedResults.Accepted($"/api/v1/jobs/{job.Id}", job);
    }
}
