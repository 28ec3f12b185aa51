using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Core.Blobs;
using Tessera.Data.Identity;
using Tessera.Platform.Downloads;
using Tessera.Server.Endpoints;
using Tessera.Testing;
using Tessera.Testing.Contracts;
using static Tessera.Server.Tests.AuthTestKit;
using static Tessera.Testing.JobPolling;

namespace Tessera.Server.Tests;

/// <summary>
/// Every route of the OpenAPI document, called over HTTP with realistic and degenerate data (one record, constant
/// values, identical inputs, empty optional fields), each response held to the schema the document declares.
/// </summary>
public class RouteContractTests
{
    /// <summary>The operations <see cref="Every_route_answers_what_the_document_declares"/> calls; it fails if it misses one.</summary>
    private static readonly string[] Covered =
    [
        "DELETE /api/v1/omics/runs/{id}",
        "DELETE /api/v1/orgs/{orgId}/identity-providers/{providerId}",
        "DELETE /api/v1/orgs/{orgId}/members/{userId}",
        "DELETE /api/v1/tokens/{id}",
        "GET /api/v1/blobs/{sha256}",
        "GET /api/v1/jobs",
        "GET /api/v1/jobs/{id}",
        "GET /api/v1/jobs/{id}/events",
        "GET /api/v1/jobs/{id}/events/stream",
        "GET /api/v1/me",
        "GET /api/v1/models",
        "GET /api/v1/omics/runs",
        "GET /api/v1/omics/runs/{id}",
        "GET /api/v1/omics/runs/{id}/export",
        "GET /api/v1/omics/runs/{id}/summary",
        "GET /api/v1/orgs",
        "GET /api/v1/orgs/{orgId}/identity-providers",
        "GET /api/v1/orgs/{orgId}/members",
        "GET /api/v1/tokens",
        "GET /api/v1/traces/map/points",
        "GET /api/v1/traces/map/points/{seq}",
        "GET /api/v1/traces/projection",
        "POST /api/v1/auth/login",
        "POST /api/v1/embeddings",
        "POST /api/v1/embeddings/images",
        "POST /api/v1/jobs",
        "POST /api/v1/jobs/{id}/cancel",
        "POST /api/v1/jobs/{id}/retry",
        "POST /api/v1/omics/compare",
        "POST /api/v1/omics/runs",
        "POST /api/v1/omics/search",
        "POST /api/v1/orgs",
        "POST /api/v1/orgs/{orgId}/identity-providers",
        "POST /api/v1/tokens",
        "POST /api/v1/traces/map/points/export",
        "POST /api/v1/traces/recompute-projection",
        "PUT /api/v1/orgs/{orgId}/members",
    ];

    private static readonly AuditActor TestActor = new(null, null, "test");

    [Fact]
    public async Task Every_route_in_the_document_has_a_contract_test()
    {
        await using var app = await TesseraAppFactory.CreateAsync("sqlite");
        var contract = await OpenApiDocumentTests.DocumentAsync(app.CreateClient());
        Assert.Equal(contract.Operations.Where(o => !ModuleContractRoutes.IsTracesIngest(o) && !ModuleContractRoutes.IsCards(o) && !ModuleContractRoutes.IsChem(o) && !ModuleContractRoutes.IsGuides(o)), Covered.Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task Every_route_answers_what_the_document_declares(string dialect)
    {
        await using var app = await TesseraAppFactory.CreateAsync(dialect);
        var (http, _, _, orgId) = await SignInAsync(app, "contract@example.org", "contract", role: "owner");
        var contract = await OpenApiDocumentTests.DocumentAsync(http);
        var api = new ContractClient(http, contract);

        await WithoutATokenAsync(app, contract);
        await IdentityAsync(app, api, orgId);
        await JobsAsync(api);
        await OmicsAsync(api);
        await BlobsAsync(app, api);
        await EmbeddingsAsync(api);
        await TracesPointsAsync(app, api, orgId);
        await TracesMapAsync(api);

        Assert.Equal(Covered, api.Exercised.Order(StringComparer.Ordinal));
    }

    /// <summary>The map's points: empty, then seeded (binary body, 304 on an unchanged tag), a point's record, the selection export.</summary>
    private static async Task TracesPointsAsync(TesseraAppFactory app, ContractClient api, Guid orgId)
    {
        const string points = "GET /api/v1/traces/map/points";
        var empty = await api.GetAsync(points, "/api/v1/traces/map/points");
        Assert.Equal("application/vnd.tessera.traces-points", empty.MediaType);
        await api.GetAsync("GET /api/v1/traces/map/points/{seq}", "/api/v1/traces/map/points/1", 404);

        var seed = new TracesMapSeed(app.Database.Database, orgId, Guid.NewGuid());
        var seqs = await seed.RunAsync(await seed.SourceAsync("contract"), "run.jsonl", 5, 0, 0);
        using var response = await api.Http.GetAsync(new Uri("/api/v1/traces/map/points", UriKind.Relative));
        var body = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(5u, BitConverter.ToUInt32(body, 8));
        using var poll = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/v1/traces/map/points", UriKind.Relative));
        poll.Headers.IfNoneMatch.Add(response.Headers.ETag!);
        using var unchanged = await api.Http.SendAsync(poll);
        Assert.Equal(System.Net.HttpStatusCode.NotModified, unchanged.StatusCode);
        Assert.Contains(304, api.Contract.Statuses(points));

        var record = (await api.GetAsync("GET /api/v1/traces/map/points/{seq}", $"/api/v1/traces/map/points/{seqs[2]}")).Value;
        Assert.Equal(seqs[2], record["seq"]!.GetValue<long>());
        const string export = "POST /api/v1/traces/map/points/export";
        var csv = await api.SendJsonAsync(export, "/api/v1/traces/map/points/export", 200, $$"""{"seqs":[{{seqs[0]}},{{seqs[4]}}],"format":"csv"}""");
        Assert.Equal(3, csv.Body.TrimEnd('\n').Split('\n').Length);
        var jsonl = await api.SendJsonAsync(export, "/api/v1/traces/map/points/export", 200, $$"""{"seqs":[{{seqs[1]}}],"format":"jsonl"}""");
        Assert.Equal("application/x-ndjson", jsonl.MediaType);
        await api.SendJsonAsync(export, "/api/v1/traces/map/points/export", 400, """{"seqs":[],"format":"csv"}""");
    }

    /// <summary>Every secured route answers a declared 401 problem to a caller without a token.</summary>
    private static async Task WithoutATokenAsync(TesseraAppFactory app, OpenApiContract contract)
    {
        var anonymous = new ContractClient(app.CreateClient(), contract);
        foreach (var operation in contract.Operations.Where(o => contract.SecuritySchemesOf(o).Contains("Bearer")))
        {
            var path = System.Text.RegularExpressions.Regex.Replace(operation[(operation.IndexOf(' ', StringComparison.Ordinal) + 1)..], @"\{[^}]+\}", Guid.NewGuid().ToString());
            await anonymous.SendJsonAsync(operation, path, 401, "{}");
        }
    }

    private static async Task IdentityAsync(TesseraAppFactory app, ContractClient api, Guid orgId)
    {
        var accounts = app.Services.GetRequiredService<AccountService>();
        await accounts.SetPasswordAsync("contract@example.org", "correct horse battery", TestActor);
        await api.SendJsonAsync("POST /api/v1/auth/login", "/api/v1/auth/login", 200, """{"email":"contract@example.org","password":"correct horse battery","org":null}""");
        await api.SendJsonAsync("POST /api/v1/auth/login", "/api/v1/auth/login", 401, """{"email":"contract@example.org","password":"wrong password!!","org":"contract"}""");
        await api.GetAsync("GET /api/v1/me", "/api/v1/me");

        await api.GetAsync("GET /api/v1/tokens", "/api/v1/tokens");
        var token = await api.SendJsonAsync("POST /api/v1/tokens", "/api/v1/tokens", 201, """{"name":"ci","scopes":null,"expires_in_days":null}""");
        await api.SendJsonAsync("POST /api/v1/tokens", "/api/v1/tokens", 400, """{"name":"ci","expires_in_days":"5"}""");
        await api.GetAsync("GET /api/v1/tokens", "/api/v1/tokens");
        var tokenId = token.Value["details"]!["id"]!.GetValue<string>();
        await api.SendAsync("DELETE /api/v1/tokens/{id}", $"/api/v1/tokens/{tokenId}", 204);
        await api.SendAsync("DELETE /api/v1/tokens/{id}", $"/api/v1/tokens/{Guid.NewGuid()}", 404);

        await api.GetAsync("GET /api/v1/orgs", "/api/v1/orgs");
        await api.SendJsonAsync("POST /api/v1/orgs", "/api/v1/orgs", 201, """{"name":"second org"}""");
        await api.SendJsonAsync("POST /api/v1/orgs", "/api/v1/orgs", 409, """{"name":"second org"}""");
        var (other, _, _) = await accounts.EnsureMemberAsync("other@example.org", "elsewhere", null, TestActor);
        await api.SendJsonAsync("PUT /api/v1/orgs/{orgId}/members", $"/api/v1/orgs/{orgId}/members", 200, """{"email":"other@example.org","role":"member"}""");
        await api.SendJsonAsync("PUT /api/v1/orgs/{orgId}/members", $"/api/v1/orgs/{orgId}/members", 200, """{"email":"other@example.org","role":"member"}""");
        await api.GetAsync("GET /api/v1/orgs/{orgId}/members", $"/api/v1/orgs/{orgId}/members");
        await api.SendAsync("DELETE /api/v1/orgs/{orgId}/members/{userId}", $"/api/v1/orgs/{orgId}/members/{other.Id}", 204);
        await api.GetAsync("GET /api/v1/orgs/{orgId}/members", $"/api/v1/orgs/{Guid.NewGuid()}/members", 404);
        await IdentityProvidersAsync(api, orgId);
    }

    private static async Task IdentityProvidersAsync(ContractClient api, Guid orgId)
    {
        var providers = $"/api/v1/orgs/{orgId}/identity-providers";
        await api.GetAsync("GET /api/v1/orgs/{orgId}/identity-providers", providers);
        const string Full = """{"name":"corp","issuer":"https://login.example.com","client_id":"tessera","client_secret":"s","audience":null,"scopes":null,"allowed_email_domains":["example.org"],"claims":{"subject":"sub","email":"email","name":"name","roles":"roles"},"role_mappings":{"admins":"admin"},"default_role":"viewer","allow_jit":true}""";
        var added = await api.SendJsonAsync("POST /api/v1/orgs/{orgId}/identity-providers", providers, 201, Full);
        await api.SendJsonAsync("POST /api/v1/orgs/{orgId}/identity-providers", providers, 409, Full);
        await api.SendJsonAsync("POST /api/v1/orgs/{orgId}/identity-providers", providers, 201, """{"name":"minimal","issuer":"https://other.example.com","client_id":"tessera"}""");
        await api.SendJsonAsync("POST /api/v1/orgs/{orgId}/identity-providers", providers, 400, """{"name":"bad","issuer":"http://plain.example.com","client_id":"tessera"}""");
        await api.GetAsync("GET /api/v1/orgs/{orgId}/identity-providers", providers);
        var id = added.Value["id"]!.GetValue<string>();
        await api.SendAsync("DELETE /api/v1/orgs/{orgId}/identity-providers/{providerId}", $"{providers}/{id}", 204);
        await api.SendAsync("DELETE /api/v1/orgs/{orgId}/identity-providers/{providerId}", $"{providers}/{id}", 404);
        await api.GetAsync("GET /api/v1/orgs/{orgId}/identity-providers", $"/api/v1/orgs/{Guid.NewGuid()}/identity-providers", 404);
    }

    /// <summary>No map before any embedded record: a 404; a recompute is still accepted as a job, and finds nothing to fit.</summary>
    private static async Task TracesMapAsync(ContractClient api)
    {
        await api.GetAsync("GET /api/v1/traces/projection", "/api/v1/traces/projection", 404);
        var job = await api.SendAsync("POST /api/v1/traces/recompute-projection", "/api/v1/traces/recompute-projection", 202);
        await WaitForJobAsync(api.Http, job.Id);
        await api.GetAsync("GET /api/v1/traces/projection", "/api/v1/traces/projection", 404);
    }

    private static async Task JobsAsync(ContractClient api)
    {
        var noop = await api.SendJsonAsync("POST /api/v1/jobs", "/api/v1/jobs", 201, """{"kind":"system.noop","input":null}""");
        var echo = await api.SendJsonAsync("POST /api/v1/jobs", "/api/v1/jobs", 201, """{"kind":"system.echo","input":{"value":{}},"idempotency_key":"same"}""");
        await api.SendJsonAsync("POST /api/v1/jobs", "/api/v1/jobs", 200, """{"kind":"system.echo","input":{"value":{}},"idempotency_key":"same"}""");
        var failing = await api.SendJsonAsync("POST /api/v1/jobs", "/api/v1/jobs", 201, """{"kind":"system.echo","input":{"value":1,"fail":"on purpose"},"max_attempts":1}""");
        await api.SendJsonAsync("POST /api/v1/jobs", "/api/v1/jobs", 400, """{"kind":"system.noop","input":null,"priority":"1"}""");
        await api.SendJsonAsync("POST /api/v1/jobs", "/api/v1/jobs", 400, """{"kind":"","input":null}""");
        foreach (var job in new[] { noop, echo, failing }) await WaitForJobAsync(api.Http, job.Id);

        await api.GetAsync("GET /api/v1/jobs", "/api/v1/jobs");
        await api.GetAsync("GET /api/v1/jobs", "/api/v1/jobs?state=failed&kind=system.echo&limit=1");
        await api.GetAsync("GET /api/v1/jobs", "/api/v1/jobs?state=nonsense", 400);
        await api.GetAsync("GET /api/v1/jobs/{id}", $"/api/v1/jobs/{failing.Id}");
        await api.GetAsync("GET /api/v1/jobs/{id}", $"/api/v1/jobs/{echo.Id}");
        await api.GetAsync("GET /api/v1/jobs/{id}", $"/api/v1/jobs/{Guid.NewGuid()}", 404);
        await api.GetAsync("GET /api/v1/jobs/{id}/events", $"/api/v1/jobs/{failing.Id}/events");
        await api.GetAsync("GET /api/v1/jobs/{id}/events", $"/api/v1/jobs/{noop.Id}/events?after=1000");
        var stream = await api.GetAsync("GET /api/v1/jobs/{id}/events/stream", $"/api/v1/jobs/{noop.Id}/events/stream");
        Assert.Equal("text/event-stream", stream.MediaType);
        Assert.Contains("event:", stream.Body, StringComparison.Ordinal);
        await api.SendAsync("POST /api/v1/jobs/{id}/cancel", $"/api/v1/jobs/{Guid.NewGuid()}/cancel", 404);
        await api.SendAsync("POST /api/v1/jobs/{id}/cancel", $"/api/v1/jobs/{noop.Id}/cancel", 409);
        var queued = await api.SendJsonAsync("POST /api/v1/jobs", "/api/v1/jobs", 201, $$"""{"kind":"system.noop","input":null,"run_at":"{{DateTimeOffset.UtcNow.AddDays(1):O}}"}""");
        await api.SendAsync("POST /api/v1/jobs/{id}/cancel", $"/api/v1/jobs/{queued.Id}/cancel", 200);
        await api.SendAsync("POST /api/v1/jobs/{id}/retry", $"/api/v1/jobs/{failing.Id}/retry", 201);
        await api.SendAsync("POST /api/v1/jobs/{id}/retry", $"/api/v1/jobs/{noop.Id}/retry", 409);
    }

    private static async Task OmicsAsync(ContractClient api)
    {
        var single = await UploadAsync(api, ">only\nKLAKLAKKLAKLAK\n", name: "one record");
        var constant = await UploadAsync(api, string.Concat(Enumerable.Range(0, 4).Select(i => $">c{i}\nAAAAAAAAA\n")), name: null);
        var twin = await UploadAsync(api, string.Concat(Enumerable.Range(0, 4).Select(i => $">t{i}\nGGGGGGGGG\n")), name: "constant twin");
        await api.SendAsync("POST /api/v1/omics/runs", "/api/v1/omics/runs", 400, new StringContent("KLAK", Encoding.UTF8, "text/plain"));

        await api.GetAsync("GET /api/v1/omics/runs", "/api/v1/omics/runs");
        foreach (var run in new[] { single, constant, twin })
        {
            await api.GetAsync("GET /api/v1/omics/runs/{id}", $"/api/v1/omics/runs/{run}");
            var summary = await api.GetAsync("GET /api/v1/omics/runs/{id}/summary", $"/api/v1/omics/runs/{run}/summary");
            // Composition is keyed by residue letters as they appear in the sequences, not by a naming policy.
            Assert.All(summary.Value["composition"]!.AsObject(), c => Assert.Matches("^[A-Z]$", c.Key));
            foreach (var format in new[] { "json", "csv", "npy" })
                await api.GetAsync("GET /api/v1/omics/runs/{id}/export", $"/api/v1/omics/runs/{run}/export?format={format}");
        }
        await api.GetAsync("GET /api/v1/omics/runs/{id}", $"/api/v1/omics/runs/{Guid.NewGuid()}", 404);
        await api.GetAsync("GET /api/v1/omics/runs/{id}/summary", $"/api/v1/omics/runs/{Guid.NewGuid()}/summary", 404);
        await api.GetAsync("GET /api/v1/omics/runs/{id}/export", $"/api/v1/omics/runs/{single}/export?format=xml", 400);

        await api.SendJsonAsync("POST /api/v1/omics/compare", "/api/v1/omics/compare", 200, $$"""{"run_a":"{{constant}}","run_b":"{{twin}}"}""");
        await api.SendJsonAsync("POST /api/v1/omics/compare", "/api/v1/omics/compare", 200, $$"""{"run_a":"{{single}}","run_b":"{{single}}"}""");
        await api.SendJsonAsync("POST /api/v1/omics/compare", "/api/v1/omics/compare", 404, $$"""{"run_a":"{{single}}","run_b":"{{Guid.NewGuid()}}"}""");

        var hits = await api.SendJsonAsync("POST /api/v1/omics/search", "/api/v1/omics/search", 200, """{"sequence":"AAAAAAAAA","peptide_id":null}""");
        var peptide = hits.Value["hits"]![0]!["peptide_id"]!.GetValue<string>();
        await api.SendJsonAsync("POST /api/v1/omics/search", "/api/v1/omics/search", 200, $$"""{"sequence":null,"peptide_id":"{{peptide}}","k":1,"run_ids":["{{constant}}"]}""");
        await api.SendJsonAsync("POST /api/v1/omics/search", "/api/v1/omics/search", 400, $$"""{"sequence":"KLAK","peptide_id":"{{peptide}}"}""");
        await api.SendJsonAsync("POST /api/v1/omics/search", "/api/v1/omics/search", 400, """{"sequence":null,"peptide_id":null}""");
        await api.SendJsonAsync("POST /api/v1/omics/search", "/api/v1/omics/search", 404, $$"""{"sequence":null,"peptide_id":"{{Guid.NewGuid()}}"}""");

        await api.SendAsync("DELETE /api/v1/omics/runs/{id}", $"/api/v1/omics/runs/{twin}", 204);
        await api.SendAsync("DELETE /api/v1/omics/runs/{id}", $"/api/v1/omics/runs/{twin}", 404);
    }

    private static async Task<string> UploadAsync(ContractClient api, string fasta, string? name)
    {
        var form = new MultipartFormDataContent { { new ByteArrayContent(Encoding.UTF8.GetBytes(fasta)), "file", "peptides.fasta" } };
        if (name is not null) form.Add(new StringContent(name), "name");
        var upload = await api.SendAsync("POST /api/v1/omics/runs", "/api/v1/omics/runs", 202, form);
        var job = await WaitForJobAsync(api.Http, upload.Value["job"]!["id"]!.GetValue<string>());
        Assert.Equal("succeeded", job.GetProperty("state").GetString());
        return upload.Value["run"]!["id"]!.GetValue<string>();
    }

    private static async Task EmbeddingsAsync(ContractClient api)
    {
        await api.GetAsync("GET /api/v1/models", "/api/v1/models");
        await api.SendJsonAsync("POST /api/v1/embeddings", "/api/v1/embeddings", 200, """{"model":"all-minilm-l6-v2","input":"one"}""");
        await api.SendJsonAsync("POST /api/v1/embeddings", "/api/v1/embeddings", 200, """{"model":"tessera-text-hashed-ngrams-v1","input":["same","same"],"encoding_format":"base64","dimensions":null,"user":null}""");
        await api.SendJsonAsync("POST /api/v1/embeddings", "/api/v1/embeddings", 400, """{"model":"all-minilm-l6-v2","input":[1,2]}""");
        await api.SendJsonAsync("POST /api/v1/embeddings", "/api/v1/embeddings", 404, """{"model":"nope","input":"x"}""");
        var image = EmbeddingsEndpointTests.Picture();
        var form = new MultipartFormDataContent { { new StringContent("resnet18-imagenet"), "model" }, { new ByteArrayContent(image), "file", "one.jpg" } };
        await api.SendAsync("POST /api/v1/embeddings/images", "/api/v1/embeddings/images", 200, form);
        await api.SendAsync("POST /api/v1/embeddings/images", "/api/v1/embeddings/images", 400, new StringContent("x", Encoding.UTF8, "text/plain"));
        var wrong = new MultipartFormDataContent { { new StringContent("nope"), "model" }, { new ByteArrayContent(image), "file", "one.jpg" } };
        await api.SendAsync("POST /api/v1/embeddings/images", "/api/v1/embeddings/images", 404, wrong);
    }

    private static async Task BlobsAsync(TesseraAppFactory app, ContractClient api)
    {
        var blob = await app.Services.GetRequiredService<IBlobStore>().PutAsync(new MemoryStream([0]));
        var url = await BlobEndpoints.SignDownloadAsync(app.Services.GetRequiredService<SignedDownloads>(), Guid.CreateVersion7(), blob.Sha256, TimeSpan.FromMinutes(5));
        var download = await api.GetAsync("GET /api/v1/blobs/{sha256}", url);
        Assert.Equal("application/octet-stream", download.MediaType);
        await api.GetAsync("GET /api/v1/blobs/{sha256}", $"/api/v1/blobs/{blob.Sha256}", 403);
    }
}
