using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Data.Identity;
using Tessera.Inference.Classical;
using Tessera.Platform.Downloads;
using Tessera.Testing;
using Tessera.Testing.Contracts;
using Tessera.Traces.Formats;

namespace Tessera.Traces.Tests.Api;

/// <summary>
/// The ingestion routes over HTTP against the OpenAPI document (every JSON body checked against its schema), with
/// degenerate data, the allowed-roots rule and the owner filter; and the server's watcher bringing a dropped run in.
/// </summary>
public class TracesApiTests
{
    private static readonly AuditActor TestActor = new(null, null, "test");

    /// <summary>The app over <paramref name="dialect"/>, sources allowed under <paramref name="allowedRoot"/>; <paramref name="watch"/>: whether the server's watcher runs (off where the test drives ingestion itself, so the order stays the test's).</summary>
    private static Task<TesseraAppFactory> AppAsync(string dialect, string allowedRoot, bool watch) => TesseraAppFactory.CreateAsync(dialect,
        settings: new Dictionary<string, string?>
        {
            ["traces:default_embedder"] = HashedNgramTextEmbedder.ModelName,
            ["traces:allowed_roots:0"] = allowedRoot,
            ["traces:watch"] = watch ? "true" : "false",
        });

    private static async Task<(ContractClient Api, Guid OrgId)> SignInAsync(TesseraAppFactory app, string email, string org)
    {
        var client = app.CreateClient();
        var (user, organization, _) = await app.Services.GetRequiredService<AccountService>().EnsureMemberAsync(email, org, "member", TestActor);
        var token = await app.Services.GetRequiredService<TokenService>().IssueAsync(user.Id, organization.Id, "test", [], TimeSpan.FromDays(1), loopbackOnly: false, TestActor);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.Token);
        var document = await client.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative));
        return (new ContractClient(client, OpenApiContract.Parse(document)), organization.Id);
    }

    private static string Body(object value) => System.Text.Json.JsonSerializer.Serialize(value);

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task Sources_records_search_and_health_answer_what_the_document_declares(string dialect)
    {
        using var allowed = new TempDirectory();
        using var outside = new TempDirectory();
        await using var app = await AppAsync(dialect, allowed.Path, watch: false);
        var (api, orgId) = await SignInAsync(app, "traces@example.org", "traces");
        var (other, otherOrgId) = await SignInAsync(app, "other@example.org", "elsewhere");
        var inbox = Path.Combine(app.Database.DataDir, "traces", "inbox");
        var folder = Directory.CreateDirectory(Path.Combine(allowed.Path, "runs")).FullName;

        // No sources, no records yet.
        var empty = await api.GetAsync("GET /api/v1/traces/health", "/api/v1/traces/health");
        Assert.Empty(empty.Value["sources"]!.AsArray());
        await api.SendJsonAsync("POST /api/v1/traces/records/search", "/api/v1/traces/records/search", 409, Body(new { query = "anything", k = 3 }));

        // Creating: the edge validates the folder, where it is, the format and the bounds; names are unique per organization.
        var created = await api.SendJsonAsync("POST /api/v1/traces/sources", "/api/v1/traces/sources", 201,
            Body(new { name = "runs", path = folder, glob = "*.jsonl", format = "seed", poll_seconds = 3600, debounce_ms = 0 }));
        var sourceId = created.Id;
        await api.SendJsonAsync("POST /api/v1/traces/sources", "/api/v1/traces/sources", 201, Body(new { name = "inbox", path = inbox }));
        await api.SendJsonAsync("POST /api/v1/traces/sources", "/api/v1/traces/sources", 409, Body(new { name = "runs", path = folder }));
        await other.SendJsonAsync("POST /api/v1/traces/sources", "/api/v1/traces/sources", 201, Body(new { name = "runs", path = folder }));
        var refused = await api.SendJsonAsync("POST /api/v1/traces/sources", "/api/v1/traces/sources", 400, Body(new { name = "etc", path = outside.Path }));
        Assert.Equal(TracesErrorCodes.SourcePathNotAllowed, refused.Value["code"]!.GetValue<string>());
        await api.SendJsonAsync("POST /api/v1/traces/sources", "/api/v1/traces/sources", 400, Body(new { name = "up", path = Path.Combine(folder, "..", "..") }));
        await api.SendJsonAsync("POST /api/v1/traces/sources", "/api/v1/traces/sources", 400, Body(new { name = "gone", path = Path.Combine(folder, "missing") }));
        await api.SendJsonAsync("POST /api/v1/traces/sources", "/api/v1/traces/sources", 400, Body(new { name = "file", path = Path.Combine(folder, "x.jsonl") }));
        await api.SendJsonAsync("POST /api/v1/traces/sources", "/api/v1/traces/sources", 400, Body(new { name = "fmt", path = folder, format = "csv" }));
        await api.SendJsonAsync("POST /api/v1/traces/sources", "/api/v1/traces/sources", 400, Body(new { name = "fast", path = folder, poll_seconds = 0 }));
        await api.SendJsonAsync("POST /api/v1/traces/sources", "/api/v1/traces/sources", 400, Body(new { name = "", path = folder }));
        await api.SendJsonAsync("POST /api/v1/traces/sources", "/api/v1/traces/sources", 400, Body(new { name = "emb", path = folder, embedder = "no-such-model" }));

        await api.GetAsync("GET /api/v1/traces/sources", "/api/v1/traces/sources");
        await api.GetAsync("GET /api/v1/traces/sources/{id}", $"/api/v1/traces/sources/{sourceId}");
        await other.GetAsync("GET /api/v1/traces/sources/{id}", $"/api/v1/traces/sources/{sourceId}", 404);
        await api.SendJsonAsync("PUT /api/v1/traces/sources/{id}", $"/api/v1/traces/sources/{sourceId}", 200,
            Body(new { name = "runs", path = folder, glob = "*.jsonl", format = "auto", poll_seconds = 3600, debounce_ms = 0, enabled = false }));
        await api.SendJsonAsync("PUT /api/v1/traces/sources/{id}", $"/api/v1/traces/sources/{sourceId}", 409, Body(new { name = "inbox", path = folder }));
        await other.SendJsonAsync("PUT /api/v1/traces/sources/{id}", $"/api/v1/traces/sources/{sourceId}", 404, Body(new { name = "mine", path = folder }));

        // Degenerate runs: a single entry, and identical texts.
        await File.WriteAllTextAsync(Path.Combine(folder, "one.jsonl"), SeedRun.Line(0, 0, "only entry", "done"));
        await File.WriteAllTextAsync(Path.Combine(folder, "same.jsonl"),
            SeedRun.Line(0, 0, "same text") + "{not json\n" + SeedRun.Line(0, 1, "same text") + SeedRun.Line(0, 2, "same text", "same"));
        var source = await app.Services.GetRequiredService<Traces.Sources.TracesSourceService>().GetAsync(
            new Core.Identity.Principal(Guid.Empty, orgId, Core.Identity.Roles.PermissionsOf("member")), Guid.Parse(sourceId), default);
        var report = await app.Services.GetRequiredService<Traces.Ingest.TracesIngestService>().DiscoverAsync(source, null, default);
        Assert.Equal(4, report.RecordsAdded);

        var health = await api.GetAsync("GET /api/v1/traces/health", "/api/v1/traces/health");
        var state = health.Value["sources"]!.AsArray().Single(s => s!["id"]!.GetValue<string>() == sourceId)!;
        Assert.Equal((2, 4, 1), (state["files_processed"]!.GetValue<long>(), state["records"]!.GetValue<long>(), state["problems"]!.GetValue<long>()));
        // The skipped line is listed with its number and reason; another organization cannot see the source's problems.
        var problems = (await api.GetAsync("GET /api/v1/traces/sources/{id}/problems", $"/api/v1/traces/sources/{sourceId}/problems")).Value["files"]!.AsArray();
        var skipped = Assert.Single(problems)!;
        Assert.Equal(("same.jsonl", 2), (skipped["file_path"]!.GetValue<string>(), skipped["problems"]![0]!["line"]!.GetValue<int>()));
        Assert.False(string.IsNullOrWhiteSpace(skipped["problems"]![0]!["reason"]!.GetValue<string>()));
        await other.GetAsync("GET /api/v1/traces/sources/{id}/problems", $"/api/v1/traces/sources/{sourceId}/problems", 404);

        var page = await api.GetAsync("GET /api/v1/traces/records", $"/api/v1/traces/records?source_id={sourceId}&limit=3");
        Assert.Equal(3, page.Value["items"]!.AsArray().Count);
        var next = page.Value["next"]!.GetValue<string>();
        var rest = await api.GetAsync("GET /api/v1/traces/records", $"/api/v1/traces/records?source_id={sourceId}&limit=3&after={next}");
        Assert.Single(rest.Value["items"]!.AsArray());
        Assert.Null(rest.Value["next"]);
        await api.GetAsync("GET /api/v1/traces/records", "/api/v1/traces/records?file_path=one.jsonl");
        await api.GetAsync("GET /api/v1/traces/records", "/api/v1/traces/records?limit=0", 400);
        await api.GetAsync("GET /api/v1/traces/records", "/api/v1/traces/records?after=abc", 400);
        var otherPage = await other.GetAsync("GET /api/v1/traces/records", "/api/v1/traces/records");
        Assert.Empty(otherPage.Value["items"]!.AsArray());

        var id = TraceRecordId.For("one.jsonl", 0, 0);
        var record = await api.GetAsync("GET /api/v1/traces/records/{id}", $"/api/v1/traces/records/{id}");
        Assert.Equal(("only entry", "runs", "one.jsonl"), (record.Value["text"]!.GetValue<string>(), record.Value["source_name"]!.GetValue<string>(), record.Value["file_path"]!.GetValue<string>()));
        await other.GetAsync("GET /api/v1/traces/records/{id}", $"/api/v1/traces/records/{id}", 404);

        var found = await api.SendJsonAsync("POST /api/v1/traces/records/search", "/api/v1/traces/records/search", 200, Body(new { query = "only entry", k = 2 }));
        Assert.Equal(HashedNgramTextEmbedder.ModelName, found.Value["embedder"]!.GetValue<string>());
        Assert.Equal(id, found.Value["results"]![0]!["record"]!["id"]!.GetValue<string>());
        await api.SendJsonAsync("POST /api/v1/traces/records/search", "/api/v1/traces/records/search", 200, Body(new { query = "same text", k = 100 }));
        await api.SendJsonAsync("POST /api/v1/traces/records/search", "/api/v1/traces/records/search", 400, Body(new { query = " ", k = 2 }));
        await api.SendJsonAsync("POST /api/v1/traces/records/search", "/api/v1/traces/records/search", 400, Body(new { query = "x", k = 0 }));

        // The Parquet files download through signed links, without the token: the link is the credential, for its organization only.
        var otherFiles = await other.GetAsync("GET /api/v1/traces/files", "/api/v1/traces/files");
        Assert.Empty(otherFiles.Value["files"]!.AsArray());
        var files = (await api.GetAsync("GET /api/v1/traces/files", "/api/v1/traces/files")).Value["files"]!.AsArray();
        Assert.Equal(["logs.parquet", "embeddings.parquet"], files.Select(f => f!["name"]!.GetValue<string>()));
        var anonymous = new ContractClient(app.CreateClient(), api.Contract);
        var logsUrl = files[0]!["url"]!.GetValue<string>();
        var expiresAt = files[0]!["expires_at"]!.GetValue<DateTimeOffset>();
        Assert.Contains($"expires={expiresAt.ToUnixTimeSeconds()}&", logsUrl, StringComparison.Ordinal);
        var logs = await anonymous.GetAsync("GET /api/v1/traces/files/{name}", logsUrl);
        Assert.Equal(("application/vnd.apache.parquet", "PAR1"), (logs.MediaType, logs.Body[..4]));
        var onDisk = await File.ReadAllBytesAsync(Path.Combine(app.Database.DataDir, "traces", orgId.ToString("D"), "logs.parquet"));
        Assert.Equal(onDisk, await anonymous.Http.GetByteArrayAsync(new Uri(logsUrl, UriKind.Relative)));
        Assert.Equal(onDisk.Length, files[0]!["size_bytes"]!.GetValue<long>());
        var unsigned = await anonymous.GetAsync("GET /api/v1/traces/files/{name}", "/api/v1/traces/files/logs.parquet", 403);
        Assert.Equal("SIGNATURE_REQUIRED", unsigned.Value["code"]!.GetValue<string>());
        var renamed = await anonymous.GetAsync("GET /api/v1/traces/files/{name}", logsUrl.Replace("logs.parquet", "embeddings.parquet", StringComparison.Ordinal), 403);
        Assert.Equal("SIGNATURE_INVALID", renamed.Value["code"]!.GetValue<string>());
        var repointed = await anonymous.GetAsync("GET /api/v1/traces/files/{name}", logsUrl.Replace(orgId.ToString("D"), otherOrgId.ToString("D"), StringComparison.Ordinal), 403);
        Assert.Equal("SIGNATURE_INVALID", repointed.Value["code"]!.GetValue<string>());
        var nothingYet = await app.Services.GetRequiredService<SignedDownloads>().SignAsync("/api/v1/traces/files/logs.parquet", otherOrgId, TimeSpan.FromMinutes(1));
        var missing = await anonymous.GetAsync("GET /api/v1/traces/files/{name}", nothingYet, 404);
        Assert.Equal(TracesErrorCodes.FileNotFound, missing.Value["code"]!.GetValue<string>());
        // Another organization's search sees none of these records.
        await other.SendJsonAsync("POST /api/v1/traces/records/search", "/api/v1/traces/records/search", 409, Body(new { query = "only entry", k = 2 }));

        await other.SendAsync("DELETE /api/v1/traces/sources/{id}", $"/api/v1/traces/sources/{sourceId}", 404);
        await api.SendAsync("DELETE /api/v1/traces/sources/{id}", $"/api/v1/traces/sources/{sourceId}", 204);
        await api.GetAsync("GET /api/v1/traces/records/{id}", $"/api/v1/traces/records/{id}", 404);

        // The server's route contract test leaves these routes to this one, so it must call every one of them.
        var ingestRoutes = api.Contract.Operations.Where(ModuleContractRoutes.IsTracesIngest);
        Assert.Empty(ingestRoutes.Except(api.Exercised.Concat(other.Exercised).Concat(anonymous.Exercised)));
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task The_servers_watcher_ingests_a_run_dropped_into_a_source_created_over_the_api(string dialect)
    {
        using var allowed = new TempDirectory();
        await using var app = await AppAsync(dialect, allowed.Path, watch: true);
        var (api, orgId) = await SignInAsync(app, "watch@example.org", "watch");
        var folder = Directory.CreateDirectory(Path.Combine(allowed.Path, "live")).FullName;
        await api.SendJsonAsync("POST /api/v1/traces/sources", "/api/v1/traces/sources", 201, Body(new { name = "live", path = folder, debounce_ms = 100, poll_seconds = 1 }));

        await File.WriteAllTextAsync(Path.Combine(folder, "run.jsonl"), SeedRun.Of(6));

        for (var i = 0; i < 300; i++)
        {
            var page = await api.Http.GetFromJsonAsync<System.Text.Json.Nodes.JsonObject>(new Uri("/api/v1/traces/records", UriKind.Relative));
            if (page!["items"]!.AsArray().Count == 6) break;
            await Task.Delay(100);
        }
        // The batch goes on after its records commit (the map and the Parquet files), then ends.
        var health = await api.GetAsync("GET /api/v1/traces/health", "/api/v1/traces/health");
        for (var i = 0; i < 300 && health.Value["batch_in_progress"]!.GetValue<bool>(); i++)
        {
            await Task.Delay(100);
            health = await api.GetAsync("GET /api/v1/traces/health", "/api/v1/traces/health");
        }
        Assert.True(health.Value["pipeline_running"]!.GetValue<bool>());
        Assert.False(health.Value["batch_in_progress"]!.GetValue<bool>());
        Assert.Equal(6, health.Value["sources"]![0]!["records"]!.GetValue<long>());

        // While one of the organization's batches holds its gate, health says so (and only to that organization).
        using (await app.Services.GetRequiredService<Traces.Pipeline.TracesBatchGate>().EnterAsync(orgId, default))
        {
            health = await api.GetAsync("GET /api/v1/traces/health", "/api/v1/traces/health");
            Assert.True(health.Value["batch_in_progress"]!.GetValue<bool>());
            var (other, _) = await SignInAsync(app, "bystander@example.org", "bystanders");
            Assert.False((await other.GetAsync("GET /api/v1/traces/health", "/api/v1/traces/health")).Value["batch_in_progress"]!.GetValue<bool>());
        }
        var response = await api.Http.GetAsync(new Uri("/api/v1/traces/records", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
