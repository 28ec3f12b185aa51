using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;
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

    private static async Task<ContractClient> SignInAsync(TesseraAppFactory app, string email, string org)
    {
        var client = app.CreateClient();
        var (user, organization, _) = await app.Services.GetRequiredService<AccountService>().EnsureMemberAsync(email, org, "member", TestActor);
        var token = await app.Services.GetRequiredService<TokenService>().IssueAsync(user.Id, organization.Id, "test", [], TimeSpan.FromDays(1), loopbackOnly: false, TestActor);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.Token);
        var document = await client.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative));
        return new ContractClient(client, OpenApiContract.Parse(document));
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task An_import_and_a_download_run_as_jobs_and_show_in_the_organizations_status(string dialect)
    {
        await using var server = await CardImagesServer.StartAsync();
        server.Catalog = ScryfallBulk.Json(server.BaseUrl, Enumerable.Range(0, 5));
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

        var routes = api.Contract.Operations.Where(ModuleContractRoutes.IsCards);
        Assert.NotEmpty(routes);
        Assert.Empty(routes.Except(api.Exercised));
    }
}
