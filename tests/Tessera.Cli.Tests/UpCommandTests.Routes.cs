using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Tessera.Core.Numerics;
using Tessera.Data;
using Tessera.Omics.Demo;
using Tessera.Omics.Export;
using Tessera.Platform.Downloads;
using Tessera.Server.Endpoints;
using Tessera.Testing;
using Tessera.Testing.Contracts;
using static Tessera.Testing.JobPolling;

namespace Tessera.Cli.Tests;

public partial class UpCommandTests
{
    private sealed record DemoRun(string Id, string JobId, string FileSha256, int PeptideCount, int Dimension);

    /// <summary>The run <c>tessera up</c> seeds, once its embedding job has finished.</summary>
    private static async Task<DemoRun> DemoRunAsync(ContractClient api)
    {
        JsonNode? run = null;
        for (var i = 0; i < 600 && run is null; i++)
        {
            run = (await api.GetAsync("GET /api/v1/omics/runs", "/api/v1/omics/runs")).Value.AsArray()
                .SingleOrDefault(r => r!["name"]!.GetValue<string>() == OmicsDemo.RunName);
            if (run is null) await Task.Delay(100);
        }
        Assert.NotNull(run);
        var job = await WaitForJobAsync(api.Http, run["job_id"]!.GetValue<string>(), TimeSpan.FromMinutes(5));
        Assert.Equal("succeeded", job.GetProperty("state").GetString());
        var embedded = (await api.GetAsync("GET /api/v1/omics/runs/{id}", $"/api/v1/omics/runs/{run["id"]}")).Value;
        Assert.Equal("embedded", embedded["state"]!.GetValue<string>());
        return new DemoRun(
            embedded["id"]!.GetValue<string>(), embedded["job_id"]!.GetValue<string>(), embedded["file_sha256"]!.GetValue<string>(),
            embedded["peptide_count"]!.GetValue<int>(), embedded["embedder_dimension"]!.GetValue<int>());
    }

    /// <summary>Each export format from the API, held to the document, and the same from <c>tessera omics export</c>.</summary>
    private static async Task EveryExportFormatAsync(ContractClient api, ScratchDatabase scratch, string serverUrl, DemoRun run)
    {
        foreach (var format in OmicsExportService.Formats)
        {
            var path = $"/api/v1/omics/runs/{run.Id}/export?format={format}";
            await api.GetAsync("GET /api/v1/omics/runs/{id}/export", path);
            var fromApi = await api.Http.GetByteArrayAsync(new Uri(path, UriKind.Relative));
            var file = Path.Combine(scratch.DataDir, "export." + format);
            var said = await SucceedsAsync(CliProcess.RunAsync("omics", "export", run.Id, "--format", format, "--server", serverUrl, "--demo", "--data-dir", scratch.DataDir, "--out", file));
            Assert.Contains($"Wrote {new FileInfo(file).Length} bytes to {file}.", said, StringComparison.Ordinal);
            var fromCli = await File.ReadAllBytesAsync(file);
            switch (format)
            {
                case "npy":
                    Assert.Equal(fromApi, fromCli);
                    Assert.Equal((run.PeptideCount, run.Dimension), Npy.Read(file).Matrix);
                    break;
                case "csv":
                    Assert.Equal(fromApi, fromCli);
                    var lines = File.ReadAllLines(file);
                    Assert.Equal(run.PeptideCount + 1, lines.Length);
                    Assert.All(lines, line => Assert.Equal(lines[0].Split(',').Length, line.Split(',').Length));
                    break;
                default:
                    // The JSON header carries its creation time, so the two copies differ there and only there.
                    var (a, b) = (JsonNode.Parse(fromApi)!.AsObject(), JsonNode.Parse(fromCli)!.AsObject());
                    a.Remove("created_at");
                    b.Remove("created_at");
                    Assert.True(JsonNode.DeepEquals(a, b), "the CLI's JSON export differs from the API's");
                    var peptides = b["peptides"]!.AsArray();
                    Assert.Equal(run.PeptideCount, peptides.Count);
                    Assert.All(peptides, p => Assert.Equal(run.Dimension, p!["embedding"]!.AsArray().Count));
                    break;
            }
        }
    }

    /// <summary>Every GET route the running server has, with the demo run's real ids, each answer held to the document.</summary>
    private static async Task EveryGetRouteAsync(ContractClient api, ScratchDatabase scratch, DemoRun run)
    {
        var orgId = (await api.GetAsync("GET /api/v1/me", "/api/v1/me")).Value["org_id"]!.GetValue<string>();
        Assert.Contains((await api.GetAsync("GET /api/v1/orgs", "/api/v1/orgs")).Value.AsArray(), o => o!["id"]!.GetValue<string>() == orgId);
        Assert.NotEmpty((await api.GetAsync("GET /api/v1/orgs/{orgId}/members", $"/api/v1/orgs/{orgId}/members")).Value.AsArray());
        Assert.Empty((await api.GetAsync("GET /api/v1/orgs/{orgId}/identity-providers", $"/api/v1/orgs/{orgId}/identity-providers")).Value.AsArray());
        Assert.NotEmpty((await api.GetAsync("GET /api/v1/tokens", "/api/v1/tokens")).Value.AsArray());
        // The packaged models ship with the build: a fresh `tessera up` lists them.
        Assert.Contains((await api.GetAsync("GET /api/v1/models", "/api/v1/models")).Value["data"]!.AsArray(), m => m!["id"]!.GetValue<string>() == "all-minilm-l6-v2");

        Assert.Contains((await api.GetAsync("GET /api/v1/jobs", "/api/v1/jobs")).Value.AsArray(), j => j!["id"]!.GetValue<string>() == run.JobId);
        await api.GetAsync("GET /api/v1/jobs/{id}", $"/api/v1/jobs/{run.JobId}");
        var events = (await api.GetAsync("GET /api/v1/jobs/{id}/events", $"/api/v1/jobs/{run.JobId}/events")).Value.AsArray();
        var stream = await api.GetAsync("GET /api/v1/jobs/{id}/events/stream", $"/api/v1/jobs/{run.JobId}/events/stream");
        Assert.Equal("text/event-stream", stream.MediaType);
        Assert.Contains($"id: {events[^1]!["seq"]}\n", stream.Body, StringComparison.Ordinal);

        var summary = (await api.GetAsync("GET /api/v1/omics/runs/{id}/summary", $"/api/v1/omics/runs/{run.Id}/summary")).Value;
        Assert.Equal(run.PeptideCount, summary["peptide_count"]!.GetValue<int>());

        // Blob downloads take a URL signed with the deployment's key, which lives in its database.
        var signer = new SignedDownloads(new InstanceSettings(scratch.Database, TimeProvider.System), TimeProvider.System);
        var blob = await api.GetAsync("GET /api/v1/blobs/{sha256}", await BlobEndpoints.SignDownloadAsync(signer, Guid.Parse(orgId), run.FileSha256, TimeSpan.FromMinutes(5)));
        Assert.Equal(run.FileSha256, Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(blob.Body))));

        // The Traces map of a deployment with no trace sources: an empty binary body, and no point to read.
        Assert.Equal("application/vnd.tessera.traces-points", (await api.GetAsync("GET /api/v1/traces/map/points", "/api/v1/traces/map/points")).MediaType);
        await api.GetAsync("GET /api/v1/traces/map/points/{seq}", "/api/v1/traces/map/points/1", 404);

        // Traces: the demo organization watches the data dir's inbox (tessera up's demo adds the source); nothing is ingested yet.
        var inbox = Path.Combine(scratch.DataDir, "traces", "inbox");
        System.Text.Json.Nodes.JsonNode? source = null;
        for (var i = 0; i < 600 && source is null; i++)
        {
            var sources = (await api.GetAsync("GET /api/v1/traces/sources", "/api/v1/traces/sources")).Value.AsArray();
            source = sources.SingleOrDefault(s => s!["name"]!.GetValue<string>() == "inbox");
            if (source is null) await Task.Delay(100);
        }
        Assert.NotNull(source);
        Assert.Equal(inbox, source["path"]!.GetValue<string>());
        await api.GetAsync("GET /api/v1/traces/health", "/api/v1/traces/health");
        await api.GetAsync("GET /api/v1/traces/sources/{id}", $"/api/v1/traces/sources/{source["id"]!.GetValue<string>()}");
        Assert.Empty((await api.GetAsync("GET /api/v1/traces/sources/{id}/problems", $"/api/v1/traces/sources/{source["id"]!.GetValue<string>()}/problems")).Value["files"]!.AsArray());
        Assert.Empty((await api.GetAsync("GET /api/v1/traces/records", "/api/v1/traces/records")).Value["items"]!.AsArray());
        await api.GetAsync("GET /api/v1/traces/records/{id}", $"/api/v1/traces/records/{new string('0', 64)}", 404);
        await api.GetAsync("GET /api/v1/traces/projection", "/api/v1/traces/projection", 404);
        Assert.Empty((await api.GetAsync("GET /api/v1/traces/files", "/api/v1/traces/files")).Value["files"]!.AsArray());
        await api.GetAsync("GET /api/v1/traces/files/{name}", "/api/v1/traces/files/logs.parquet", 403);

        // Cards: no catalog imported yet.
        Assert.Equal(0, (await api.GetAsync("GET /api/v1/cards/status", "/api/v1/cards/status")).Value["cards"]!.GetValue<long>());
        await api.GetAsync("GET /api/v1/cards/cards/{id}/image", "/api/v1/cards/cards/no-such-card/image", 404);
        // Chem: the seeded system tasks, and no molecules or artifacts yet.
        Assert.NotEmpty((await api.GetAsync("GET /api/v1/chem/task-registry/tasks", "/api/v1/chem/task-registry/tasks")).Value.AsArray());
        await api.GetAsync("GET /api/v1/chem/task-registry/tasks/{name}", "/api/v1/chem/task-registry/tasks/vina.dock");
        Assert.Empty((await api.GetAsync("GET /api/v1/chem/molecules", "/api/v1/chem/molecules")).Value["items"]!.AsArray());
        await api.GetAsync("GET /api/v1/chem/molecules/{id}", $"/api/v1/chem/molecules/{Guid.Empty}", 404);
        await api.GetAsync("GET /api/v1/chem/artifacts/{id}/download-link", $"/api/v1/chem/artifacts/{Guid.Empty}/download-link", 404);
        await api.GetAsync("GET /api/v1/chem/executions/{id}", $"/api/v1/chem/executions/{Guid.Empty}", 404);
        await api.GetAsync("GET /api/v1/chem/executions/{id}/cache", $"/api/v1/chem/executions/{Guid.Empty}/cache", 404);
        Assert.Empty((await api.GetAsync("GET /api/v1/chem/services", "/api/v1/chem/services")).Value.AsArray());
        await api.GetAsync("GET /api/v1/chem/executions/{id}/events", $"/api/v1/chem/executions/{Guid.Empty}/events", 404);
        await api.GetAsync("GET /api/v1/chem/executions/{id}/logs", $"/api/v1/chem/executions/{Guid.Empty}/logs", 404);
        Assert.False((await api.GetAsync("GET /api/v1/chem/task-registry/tasks/{name}/permissions", "/api/v1/chem/task-registry/tasks/vina.dock/permissions")).Value["restricted"]!.GetValue<bool>());
        Assert.Equal(0, (await api.GetAsync("GET /api/v1/chem/quotas", "/api/v1/chem/quotas")).Value["concurrent_executions"]!["used"]!.GetValue<double>());
        Assert.Empty((await api.GetAsync("GET /api/v1/chem/pipeline-templates", "/api/v1/chem/pipeline-templates")).Value.AsArray());
        await api.GetAsync("GET /api/v1/chem/pipeline-templates/{id}", $"/api/v1/chem/pipeline-templates/{Guid.Empty}", 404);
        await api.GetAsync("GET /api/v1/chem/pipeline-instances/{id}", $"/api/v1/chem/pipeline-instances/{Guid.Empty}", 404);
        Assert.Empty((await api.GetAsync("GET /api/v1/chem/pipeline-instances", "/api/v1/chem/pipeline-instances")).Value.AsArray());
        Assert.Empty((await api.GetAsync("GET /api/v1/guides/projects", "/api/v1/guides/projects")).Value.AsArray());
        await api.GetAsync("GET /api/v1/guides/projects/{projectId}", $"/api/v1/guides/projects/{Guid.Empty}", 404);
        await api.GetAsync("GET /api/v1/guides/jobs/{jobId}", $"/api/v1/guides/jobs/{Guid.Empty}", 404);
        await api.GetAsync("GET /api/v1/guides/jobs/{jobId}/transitions", $"/api/v1/guides/jobs/{Guid.Empty}/transitions", 404);
        await api.GetAsync("GET /api/v1/guides/jobs/{jobId}/transcript", $"/api/v1/guides/jobs/{Guid.Empty}/transcript", 404);
        await api.GetAsync("GET /api/v1/guides/jobs/{jobId}/instructions", $"/api/v1/guides/jobs/{Guid.Empty}/instructions", 404);
        await api.GetAsync("GET /api/v1/guides/jobs/{jobId}/frames/{sha256}", $"/api/v1/guides/jobs/{Guid.Empty}/frames/{new string('0', 64)}", 404);
        await api.GetAsync("GET /api/v1/guides/instructions/{instructionId}", $"/api/v1/guides/instructions/{Guid.Empty}", 404);
        await api.GetAsync("GET /api/v1/guides/exports/{exportId}", $"/api/v1/guides/exports/{Guid.Empty}", 404);
        await api.GetAsync("GET /api/v1/guides/instructions/{instructionId}/anchors", $"/api/v1/guides/instructions/{Guid.Empty}/anchors", 404);
        await api.GetAsync("GET /api/v1/guides/anchors/{anchorId}", $"/api/v1/guides/anchors/{Guid.Empty}", 404);
        await api.GetAsync("GET /api/v1/guides/assets/{assetId}", $"/api/v1/guides/assets/{Guid.Empty}", 404);
        await api.GetAsync("GET /api/v1/guides/screenshot-tasks/{taskId}", $"/api/v1/guides/screenshot-tasks/{Guid.Empty}", 404);
        await api.GetAsync("GET /api/v1/guides/tasks/{taskId}", $"/api/v1/guides/tasks/{Guid.Empty}", 404);
        await api.GetAsync("GET /api/v1/guides/exports/{exportId}/download", $"/api/v1/guides/exports/{Guid.Empty}/download", 403);

        // Outside the document: probes, metrics, the document itself and its reference page.
        foreach (var path in new[] { "/healthz", "/readyz", "/metrics", "/openapi/v1.json", "/api/reference" })
        {
            using var response = await api.Http.GetAsync(new Uri(path, UriKind.Relative));
            Assert.True(response.IsSuccessStatusCode, $"GET {path}: {(int)response.StatusCode}");
        }
    }
}
