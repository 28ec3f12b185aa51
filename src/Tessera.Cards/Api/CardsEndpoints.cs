using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Tessera.Cards.Download;
using Tessera.Cards.Embedding;
using Tessera.Cards.Identify;
using Tessera.Cards.Index;
using Tessera.Cards.Storage;
using Tessera.Data;
using Tessera.Cards.Jobs;
using Tessera.Cards.Status;
using Tessera.Core.Errors;
using Tessera.Core.Identity;
using Tessera.Data.Identity;
using Tessera.Jobs;

namespace Tessera.Cards.Api;

/// <summary>The Cards routes under <c>/api/v1/cards</c>: status; imports, downloads, embeddings and index builds started as jobs. Thin handlers over the services.</summary>
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
        cards.MapPost("/embeddings", EmbedAsync).WithName("CardsEmbed").ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status403Forbidden)
            .WithSummary("Embed the downloaded images as a job (cards.embed), resuming from what is already embedded, and add them to the index; 202 with the job.");
        cards.MapPost("/index-builds", BuildAsync).WithName("CardsBuildIndex").ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status403Forbidden)
            .WithSummary("Rebuild the card index with chosen HNSW parameters as a job (cards.build); its result is the build manifest; 202 with the job.");
        cards.MapPost("/identify", IdentifyAsync).DisableAntiforgery().WithName("CardsIdentify")
            .AddOpenApiOperationTransformer(CardsPhotoFormSchema.DescribeAsync)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .WithSummary("Which card is this photo? multipart 'photo' (or a raw image body); query k (1-50) and ef. The top k candidates with scores, and whether the answer is confident.");
        cards.MapGet("/cards/{id}/image", ImageAsync).WithName("CardsImage").Produces(StatusCodes.Status200OK, contentType: "image/jpeg").ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("A catalog card's cached image (face 0 or 1, size as downloaded; default normal).");
        return cards;
    }

    private static async Task<Ok<IdentifyResult>> IdentifyAsync(
        HttpRequest request, Caller caller, CardIdentifier identifier, int? k, int? ef, string? model, CancellationToken cancellationToken)
    {
        var principal = caller.Require(Permissions.RunsRead);
        var options = new IdentifyRequest { K = k ?? IdentifyRequest.DefaultK, Ef = ef, Model = model }.Validate();
        var photo = await CardsPhotoForm.ReadAsync(request, cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(await identifier.IdentifyAsync(principal, photo, options, cancellationToken).ConfigureAwait(false));
    }

    private static async Task<IResult> ImageAsync(string id, int? face, string? size, Caller caller, TesseraDatabase database, ImageFiles files, CancellationToken cancellationToken)
    {
        var principal = caller.Require(Permissions.RunsRead);
        string? file;
        await using (var c = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
            file = await CardRows.ImageFileAsync(c, principal.OrgId, id, face ?? 0, size ?? DownloadRequest.DefaultSize, cancellationToken).ConfigureAwait(false);
        var path = file is null ? null : Path.Combine(files.Folder(principal.OrgId), file);
        if (path is null || !File.Exists(path)) throw TesseraException.NotFound("card image");
        return TypedResults.PhysicalFile(path, CardsPhotoForm.ContentTypeOf(path), enableRangeProcessing: false);
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

    private static async Task<Accepted<JobInfo>> EmbedAsync(CardsEmbedRequest request, Caller caller, JobService jobs, CancellationToken cancellationToken)
    {
        var principal = caller.Require(Permissions.RunsWrite);
        var embed = new EmbedRequest
        {
            Size = request.Size ?? DownloadRequest.DefaultSize,
            Model = request.Model,
            BatchSize = request.BatchSize ?? EmbedRequest.DefaultBatchSize,
            CheckpointEvery = request.CheckpointEvery ?? EmbedRequest.DefaultCheckpointEvery,
            Limit = request.Limit,
        }.Validate();
        return await EnqueueAsync(jobs, principal, new JobRequest(CardsEmbedJobHandler.JobKind, CardsEmbedJobHandler.Input(embed)), cancellationToken).ConfigureAwait(false);
    }

    private static async Task<Accepted<JobInfo>> BuildAsync(CardsBuildRequest request, Caller caller, JobService jobs, CancellationToken cancellationToken)
    {
        var principal = caller.Require(Permissions.RunsWrite);
        var build = new BuildRequest
        {
            Model = request.Model, M = request.M ?? BuildRequest.DefaultM, EfConstruction = request.EfConstruction ?? BuildRequest.DefaultEfConstruction,
        }.Validate();
        return await EnqueueAsync(jobs, principal, new JobRequest(CardsBuildJobHandler.JobKind, CardsBuildJobHandler.Input(build)), cancellationToken).ConfigureAwait(false);
    }

    private static async Task<Accepted<JobInfo>> EnqueueAsync(JobService jobs, Principal principal, JobRequest request, CancellationToken cancellationToken)
    {
        var job = (await jobs.EnqueueAsync(JobOwner.Of(principal), request, cancellationToken).ConfigureAwait(false)).Job;
        return TypedResults.Accepted($"/api/v1/jobs/{job.Id}", job);
    }
}
