using System.Globalization;
using System.Net.Http.Headers;
using Tessera.Data.Identity;
using Tessera.Testing;
using Tessera.Testing.Contracts;
using static Tessera.Testing.JobPolling;

namespace Tessera.Cards.Tests.Api;

/// <summary>
/// The Cards routes over HTTP against the OpenAPI document (every JSON body checked against its schema): an import and
/// a download started as jobs and run by the server's workers against a loopback image server, the owner filter on
/// status, and the edge's validation. The server's route contract test leaves these routes to this one.
/// </summary>
public class CardsApiTests
{
    private static readonly AuditActor TestActor = new(null, null, "test");

    private static Task<TesseraAppFactory> AppAsync(string dialect) => TesseraAppFactory.CreateAsync(dialect,
        settings: new Dictionary<string, string?>
        {
            ["cards:requests_per_second"] = "1000",
            ["cards:backoff_base_ms"] = "20",
            ["cards:read_timeout_seconds"] = "2",
            ["cards:import_hosts"] = "127.0.0.1",
        });

    private static MultipartFormDataContent PhotoForm(byte[] photo)
    {
        var file = new ByteArrayContent(photo);
        file.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        return new MultipartFormDataContent { { file, "photo", "photo.jpg" } };
    }

    private static async Task<ContractClient> SignInAsync(TesseraAppFactory app, string email, string org) =>
        (await MemberClients.SignInAsync(app, email, org)).Api;

    /// <summary>Card <c>i</c>'s face <c>f</c> shows generated art <c>2i + f</c>, so a photo of one identifies exactly one catalog image.</summary>
    private static int ArtOf(string path) =>
        (2 * int.Parse(path.Split('/')[^1].Split('.')[0][^12..], CultureInfo.InvariantCulture)) + (path.Contains("/back/", StringComparison.Ordinal) ? 1 : 0);

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task An_import_a_download_an_embedding_and_a_build_run_as_jobs_and_a_photo_is_identified_within_the_organization(string dialect)
    {
        await using var server = await CardImagesServer.StartAsync();
        server.Catalog = ScryfallBulk.Json(server.BaseUrl, Enumerable.Range(0, 5));
        server.Images = path => GeneratedCards.Png(ArtOf(path), printingSeed: 0);
        server.Fail(ScryfallBulk.ImagePath(0, 0, "normal"), ImageFault.NotFound);
        await using var app = await AppAsync(dialect);
        var api = await SignInAsync(app, "cards@example.org", "cards");
        var other = await SignInAsync(app, "other@example.org", "elsewhere");

        var empty = (await api.GetAsync("GET /api/v1/cards/status", "/api/v1/cards/status")).Value;
        Assert.Equal(0, empty["cards"]!.GetValue<long>());
        // Nothing to download yet: the job fails with the catalog's code.
        var early = await api.SendJsonAsync("POST /api/v1/cards/downloads", "/api/v1/cards/downloads", 202, "{}");
        var earlyJob = await WaitForJobAsync(api.Http, early.Id);
        Assert.Equal("failed", earlyJob.GetProperty("state").GetString());
        Assert.Contains(CardsErrorCodes.CatalogEmpty, earlyJob.ToString(), StringComparison.Ordinal);

        // The edge refuses what no job could run: a path instead of a URL, flags out of range.
        await api.SendJsonAsync("POST /api/v1/cards/imports", "/api/v1/cards/imports", 400, """{"url":"/etc/passwd"}""");
        // The server fetches only from the import hosts (here the loopback test server's), through either door.
        var elsewhere = await api.SendJsonAsync("POST /api/v1/cards/imports", "/api/v1/cards/imports", 400, """{"url":"http://169.254.169.254/latest/meta-data"}""");
        Assert.Equal(CardsErrorCodes.ImportHostNotAllowed, elsewhere.Value["code"]!.GetValue<string>());
        foreach (var sneaked in new[] { "/etc/passwd", "http://localhost:1/bulk.json" })
        {
            var job = await api.SendJsonAsync("POST /api/v1/jobs", "/api/v1/jobs", 201, $$$"""{"kind":"cards.import","input":{"url":"{{{sneaked}}}"}}""");
            var failed = await WaitForJobAsync(api.Http, job.Id);
            Assert.Equal("failed", failed.GetProperty("state").GetString());
            Assert.Equal(CardsErrorCodes.ImportHostNotAllowed, failed.GetProperty("error").GetProperty("code").GetString());
        }
        await api.SendJsonAsync("POST /api/v1/cards/downloads", "/api/v1/cards/downloads", 400, """{"workers":0}""");
        await api.SendJsonAsync("POST /api/v1/cards/downloads", "/api/v1/cards/downloads", 400, """{"limit":0}""");
        await api.SendJsonAsync("POST /api/v1/cards/downloads", "/api/v1/cards/downloads", 400, """{"size":"huge"}""");

        var import = await api.SendJsonAsync("POST /api/v1/cards/imports", "/api/v1/cards/imports", 202,
            $$"""{"url":"{{new Uri(server.BaseUrl, "bulk/cards.json").AbsoluteUri}}"}""");
        var imported = await WaitForJobAsync(api.Http, import.Id);
        Assert.Equal("succeeded", imported.GetProperty("state").GetString());
        Assert.Equal(5, imported.GetProperty("result").GetProperty("added").GetInt32());

        var download = await api.SendJsonAsync("POST /api/v1/cards/downloads", "/api/v1/cards/downloads", 202, """{"size":"normal","workers":2}""");
        var downloaded = await WaitForJobAsync(api.Http, download.Id);
        Assert.Equal("succeeded", downloaded.GetProperty("state").GetString());
        var result = downloaded.GetProperty("result");
        Assert.Equal((6, 5, 1), (result.GetProperty("total").GetInt32(), result.GetProperty("downloaded").GetInt32(), result.GetProperty("failed").GetInt32()));

        var status = (await api.GetAsync("GET /api/v1/cards/status", "/api/v1/cards/status")).Value;
        Assert.Equal(5, status["cards"]!.GetValue<long>());
        Assert.Equal(5, status["downloaded"]!.GetValue<long>());
        Assert.Equal(1, status["failed_by_reason"]!["http_404"]!.GetValue<long>());
        Assert.Equal("completed", status["imports"]![0]!["state"]!.GetValue<string>());
        // Another organization sees none of it.
        var theirs = (await other.GetAsync("GET /api/v1/cards/status", "/api/v1/cards/status")).Value;
        Assert.Equal((0L, 0L), (theirs["cards"]!.GetValue<long>(), theirs["downloaded"]!.GetValue<long>()));

        // Embed and build as jobs: flags out of range are refused at the edge.
        await api.SendJsonAsync("POST /api/v1/cards/embeddings", "/api/v1/cards/embeddings", 400, """{"limit":0}""");
        await api.SendJsonAsync("POST /api/v1/cards/embeddings", "/api/v1/cards/embeddings", 400, """{"batch_size":0}""");
        var embed = await api.SendJsonAsync("POST /api/v1/cards/embeddings", "/api/v1/cards/embeddings", 202, """{"checkpoint_every":2}""");
        var embedded = await WaitForJobAsync(api.Http, embed.Id);
        Assert.Equal("succeeded", embedded.GetProperty("state").GetString());
        Assert.Equal(5, embedded.GetProperty("result").GetProperty("embedded").GetInt32());
        Assert.Equal("resnet18-imagenet", embedded.GetProperty("result").GetProperty("embedder").GetString());
        await api.SendJsonAsync("POST /api/v1/cards/index-builds", "/api/v1/cards/index-builds", 400, """{"m":3}""");
        await api.SendJsonAsync("POST /api/v1/cards/index-builds", "/api/v1/cards/index-builds", 400, """{"m":16,"ef_construction":8}""");
        var build = await api.SendJsonAsync("POST /api/v1/cards/index-builds", "/api/v1/cards/index-builds", 202, """{"m":16,"ef_construction":64}""");
        var built = await WaitForJobAsync(api.Http, build.Id);
        Assert.Equal("succeeded", built.GetProperty("state").GetString());
        Assert.Equal((16, 64), (built.GetProperty("result").GetProperty("m").GetInt32(), built.GetProperty("result").GetProperty("ef_construction").GetInt32()));
        var indexed = (await api.GetAsync("GET /api/v1/cards/status", "/api/v1/cards/status")).Value;
        Assert.Equal(5, indexed["embeddings"]![0]!["vectors"]!.GetValue<long>());
        Assert.True(indexed["index"]!["aligned"]!.GetValue<bool>());

        // A photo of card 3: found, named, its catalog image served to its organization only.
        var photo = CardPhotos.Jpeg(GeneratedCards.Png(ArtOf(ScryfallBulk.ImagePath(3, 0, "normal")), printingSeed: 0), seed: 11);
        var answer = (await api.SendAsync("POST /api/v1/cards/identify", "/api/v1/cards/identify?k=3", 200, PhotoForm(photo))).Value;
        var best = answer["candidates"]![0]!;
        Assert.Equal(ScryfallBulk.IdOf(3), best["card_id"]!.GetValue<string>());
        Assert.Equal("Card 3", best["name"]!.GetValue<string>());
        Assert.Equal(3, answer["candidates"]!.AsArray().Count);
        Assert.Equal("ip", answer["metric"]!.GetValue<string>());
        var image = best["image_url"]!.GetValue<string>();
        var served = await api.SendAsync("GET /api/v1/cards/cards/{id}/image", image, 200);
        Assert.Equal("image/png", served.MediaType);
        await other.SendAsync("GET /api/v1/cards/cards/{id}/image", image, 404);
        // The raw body works too; bad input is one clear problem each.
        var raw = new ByteArrayContent(photo);
        raw.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        await api.SendAsync("POST /api/v1/cards/identify", "/api/v1/cards/identify", 200, raw);
        await api.SendAsync("POST /api/v1/cards/identify", "/api/v1/cards/identify?k=0", 400, PhotoForm(photo));
        await api.SendAsync("POST /api/v1/cards/identify", "/api/v1/cards/identify", 400, new StringContent("not a photo"));
        await api.SendAsync("POST /api/v1/cards/identify", "/api/v1/cards/identify", 400, PhotoForm("not an image"u8.ToArray()));
        // Another organization has nothing embedded: its identify says so instead of answering from this one's cards.
        var elsewhereIdentify = await other.SendAsync("POST /api/v1/cards/identify", "/api/v1/cards/identify", 409, PhotoForm(photo));
        Assert.Equal(CardsErrorCodes.NoEmbeddings, elsewhereIdentify.Value["code"]!.GetValue<string>());

        var routes = api.Contract.Operations.Where(ModuleContractRoutes.IsCards);
        Assert.NotEmpty(routes);
        Assert.Empty(routes.Except(api.Exercised));
    }
}
