using System.Diagnostics;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dapper;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Chem.Services;
using Tessera.Chem.Storage;
using Tessera.Chem.Tests.Api;
using Tessera.Chem.Tests.Docking;
using Tessera.Core.Errors;
using Tessera.Testing;
using Tessera.Testing.Contracts;

namespace Tessera.Chem.Tests.Services;

/// <summary>
/// Task services over real HTTP (the server on Kestrel): the Python service on RDKit (rdkit_service.py, started as
/// processes) registers, runs executions spread over two instances, and one killed mid-execution leaves the execution
/// to complete on the other, once; the C# service (tessera chem service) runs obabel.descriptors instead of the workers
/// while it lives, and is dropped once its heartbeats stop; credentials and organizations are checked.
/// </summary>
public class TaskServiceTests
{
    private const string Services = "/api/v1/chem/services";

    private static readonly Dictionary<string, string?> FastSettings = new()
    {
        ["chem:service_heartbeat_timeout_seconds"] = "3",
        ["chem:service_health_interval_seconds"] = "1",
        ["jobs:backoff_base_ms"] = "100",
        ["jobs:backoff_max_ms"] = "300",
    };

    private static async Task<(TesseraAppFactory App, Uri Url)> StartServerAsync(string dialect)
    {
        var app = await TesseraAppFactory.CreateAsync(dialect, settings: FastSettings);
        app.UseKestrel(0);
        app.StartServer();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return (app, new Uri(address));
    }

    private static string TokenOf(ContractClient api) => api.Http.DefaultRequestHeaders.Authorization!.Parameter!;

    private static Task<ContractResponse> ExecuteAsync(ContractClient api, string task, object parameters, int expected = 202, bool cache = true) =>
        api.SendJsonAsync("POST /api/v1/chem/tasks/{task}/execute", $"/api/v1/chem/tasks/{task}/execute" + (cache ? "" : "?cache=false"), expected, JsonSerializer.Serialize(parameters));

    /// <summary>The Python service as a process; it prints its URL, then its id once registered.</summary>
    private sealed class RdkitService : IAsyncDisposable
    {
        private readonly Process process;

        private RdkitService(Process process, string url, string id) => (this.process, Url, Id) = (process, url, id);

        public string Url { get; }
        public string Id { get; }

        public static async Task<RdkitService> StartAsync(Uri server, string token, double delay = 0)
        {
            var script = Path.Combine(RepoPaths.Root, "tests", "Tessera.Chem.Tests", "Services", "rdkit_service.py");
            var info = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in new[] { script, "--server", server.ToString(), "--token", token, "--delay", delay.ToString(System.Globalization.CultureInfo.InvariantCulture) })
                info.ArgumentList.Add(a);
            var process = Process.Start(info)!;
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            var listening = await process.StandardOutput.ReadLineAsync(timeout.Token) ?? throw new InvalidOperationException(await process.StandardError.ReadToEndAsync(timeout.Token));
            var registered = await process.StandardOutput.ReadLineAsync(timeout.Token) ?? "";
            Assert.StartsWith("registered ", registered, StringComparison.Ordinal);
            return new RdkitService(process, listening.Split(' ')[1], registered.Split(' ')[1]);
        }

        public async Task<JsonNode> StatsAsync()
        {
            using var client = new HttpClient();
            return JsonNode.Parse(await client.GetStringAsync(new Uri(Url + "/stats")))!;
        }

        public void Kill() => process.Kill(entireProcessTree: true);

        private bool disposed;

        public async ValueTask DisposeAsync()
        {
            if (disposed) return;
            disposed = true;
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            process.Dispose();
        }
    }

    private static readonly object RdkitTask = new
    {
        name = "rdkit.descriptors",
        version = 1,
        description = "MolWt, LogP, TPSA, HBD and HBA of each SMILES, with RDKit.",
        input_schema = new
        {
            type = "object", required = new[] { "smiles" }, additionalProperties = false,
            properties = new { smiles = new { type = "array", minItems = 1, items = new { type = "string", minLength = 1 } } },
        },
        output_schema = new { type = "object", required = new[] { "molecules" } },
        resources = new { cpu = 1 },
    };

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task Python_rdkit_service_runs_executions_spread_over_instances_and_a_killed_one_leaves_it_to_another_once(string dialect)
    {
        var (app, server) = await StartServerAsync(dialect);
        await using var _ = app;
        var (admin, _) = await ChemApiTests.SignInAsync(app, "admin@example.org", "lab", "admin");
        var (member, _) = await ChemApiTests.SignInAsync(app, "member@example.org", "lab", "member");
        var (rival, _) = await ChemApiTests.SignInAsync(app, "rival@example.org", "rival", "owner");
        await admin.SendJsonAsync("POST /api/v1/chem/task-registry/tasks", "/api/v1/chem/task-registry/tasks", 201, JsonSerializer.Serialize(RdkitTask));
        var aspirin = new { smiles = new[] { "CC(=O)Oc1ccccc1C(=O)O", "c1ccccc1O" } };

        // No live service yet: refused at once with a clear code.
        var none = await ExecuteAsync(member, "rdkit.descriptors", aspirin, 422);
        Assert.Equal(ChemErrorCodes.NoLiveService, none.Value["code"]!.GetValue<string>());

        // Credentials: no token is 401, a member's token 403 (registering needs tasks:define).
        using (var anonymous = new HttpClient { BaseAddress = server })
        {
            using var refused = await anonymous.PostAsync(new Uri(Services, UriKind.Relative), new StringContent("{}", System.Text.Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }
        var forbidden = await member.SendJsonAsync("POST /api/v1/chem/services", Services, 403,
            JsonSerializer.Serialize(new { url = "http://127.0.0.1:9", tasks = new[] { new { name = "rdkit.descriptors", version = 1 } } }));
        Assert.Equal(ErrorCodes.Forbidden, forbidden.Value["code"]!.GetValue<string>());

        await using var a = await RdkitService.StartAsync(server, TokenOf(admin));
        await using var b = await RdkitService.StartAsync(server, TokenOf(admin));
        var listed = (await member.GetAsync("GET /api/v1/chem/services", Services)).Value.AsArray();
        Assert.Equal(new[] { a.Url, b.Url }.Order(), listed.Select(s => s!["url"]!.GetValue<string>()).Order());
        Assert.Equal("rdkit.descriptors", listed[0]!["tasks"]![0]!["name"]!.GetValue<string>());

        // Services are the organization's: another one neither sees nor touches them, nor sees the task.
        Assert.Empty((await rival.GetAsync("GET /api/v1/chem/services", Services)).Value.AsArray());
        await rival.SendAsync("POST /api/v1/chem/services/{id}/heartbeat", $"{Services}/{a.Id}/heartbeat", 404);
        await rival.SendAsync("DELETE /api/v1/chem/services/{id}", $"{Services}/{a.Id}", 404);
        await ExecuteAsync(rival, "rdkit.descriptors", aspirin, 404);

        // Two executions go to the two instances (least recently used first), each recorded on its execution.
        var used = new List<string>();
        foreach (var i in new[] { 1, 2 })
        {
            var accepted = await ExecuteAsync(member, "rdkit.descriptors", aspirin);
            var done = await DockingFixture.WaitAsync(member, accepted.Id, TimeSpan.FromMinutes(1));
            Assert.True(done["state"]!.GetValue<string>() == "succeeded", done.ToJsonString());
            used.Add(done["service"]!.GetValue<string>());
            var molecule = done["result"]!["molecules"]![0]!;
            Assert.InRange(molecule["mol_wt"]!.GetValue<double>(), 180.1, 180.2);
            Assert.Equal(1, molecule["hbd"]!.GetValue<int>());
            Assert.InRange(molecule["tpsa"]!.GetValue<double>(), 63.5, 63.7);
        }
        Assert.Equal(new[] { a.Url, b.Url }.Order(), used.Order());

        // A slow instance killed mid-execution: the job fails transiently, the dead instance is dropped, the retry runs
        // on the other instance, and the result is recorded once.
        await a.DisposeAsync();
        await b.DisposeAsync();
        await using var slow = await RdkitService.StartAsync(server, TokenOf(admin), delay: 60);
        await using var fast = await RdkitService.StartAsync(server, TokenOf(admin));
        var killed = await ExecuteAsync(member, "rdkit.descriptors", aspirin);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while ((await member.GetAsync("GET /api/v1/chem/executions/{id}", $"/api/v1/chem/executions/{killed.Id}")).Value["service"]!.GetValue<string>() != slow.Url)
        {
            Assert.True(DateTime.UtcNow < deadline, "the execution never went to the slow instance");
            await Task.Delay(100);
        }
        await Task.Delay(500);
        slow.Kill();
        var completed = await DockingFixture.WaitAsync(member, killed.Id, TimeSpan.FromMinutes(1));
        Assert.Equal("succeeded", completed["state"]!.GetValue<string>());
        Assert.Equal(fast.Url, completed["service"]!.GetValue<string>());
        // At least the killed attempt and the one that finished; a loaded machine may lose a lease in between.
        Assert.InRange(completed["attempts"]!.GetValue<int>(), 2, 3);
        Assert.Equal(1, (await fast.StatsAsync())["finished"]![killed.Id]!.GetValue<int>());
        Guid orgId;
        await using (var c = await app.Database.Database.OpenConnectionAsync())
        {
            // By id: an instance started later may be given a port, and so a URL, an earlier one had.
            Assert.Equal(1, await c.ExecuteScalarAsync<long>(
                "SELECT COUNT(*) FROM chem_executions WHERE id = @id AND result_id IS NOT NULL AND service = @url", new { id = Guid.Parse(killed.Id), url = fast.Url }));
            orgId = await c.ExecuteScalarAsync<Guid>("SELECT org_id FROM chem_executions WHERE id = @id", new { id = Guid.Parse(killed.Id) });
        }
        // The killed attempt stored nothing: one result, in the organization's own store.
        var store = await app.Services.GetRequiredService<OrganizationStores>().ForAsync(orgId, CancellationToken.None);
        await using (var c = await store.OpenConnectionAsync())
            Assert.Equal(1, await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM execution_results WHERE execution_id = @id", new { id = Guid.Parse(killed.Id) }));
        Assert.Equal([fast.Url], (await member.GetAsync("GET /api/v1/chem/services", Services)).Value.AsArray().Select(s => s!["url"]!.GetValue<string>()));
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task A_service_result_that_breaks_the_output_schema_fails_the_execution_and_is_not_stored(string dialect)
    {
        var (app, server) = await StartServerAsync(dialect);
        await using var _ = app;
        var (admin, _) = await ChemApiTests.SignInAsync(app, "admin@example.org", "lab", "admin");
        // The service answers molecules and rdkit_version; this version of the task promises inchikeys too.
        var strict = JsonNode.Parse(JsonSerializer.Serialize(RdkitTask))!;
        strict["output_schema"] = JsonNode.Parse("""{"type":"object","required":["molecules","inchikeys"]}""");
        await admin.SendJsonAsync("POST /api/v1/chem/task-registry/tasks", "/api/v1/chem/task-registry/tasks", 201, strict.ToJsonString());
        await using var service = await RdkitService.StartAsync(server, TokenOf(admin));

        var submitted = await ExecuteAsync(admin, "rdkit.descriptors", new { smiles = new[] { "CCO" } });
        var ended = await DockingFixture.WaitAsync(admin, submitted.Id, TimeSpan.FromMinutes(1));

        Assert.Equal("failed", ended["state"]!.GetValue<string>());
        Assert.Equal(ChemErrorCodes.ResultInvalid, ended["error"]!["code"]!.GetValue<string>());
        Assert.Contains("inchikeys", ended["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Null(ended["result"]);
        Assert.Equal(1, (await service.StatsAsync())["finished"]![submitted.Id]!.GetValue<int>());
        await using var c = await app.Database.Database.OpenConnectionAsync();
        Assert.Equal(0, await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM chem_executions WHERE id = @id AND result_id IS NOT NULL", new { id = Guid.Parse(submitted.Id) }));
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task Csharp_service_runs_obabel_descriptors_and_is_dropped_when_its_heartbeats_stop(string dialect)
    {
        var (app, server) = await StartServerAsync(dialect);
        await using var _ = app;
        var (admin, _) = await ChemApiTests.SignInAsync(app, "admin@example.org", "lab", "admin");
        var parameters = new { molecule = "CC(=O)Oc1ccccc1C(=O)O", descriptors = new[] { "MW", "HBD", "formula" } };
        // No service: the workers run it themselves.
        var local = await DockingFixture.WaitAsync(admin, (await ExecuteAsync(admin, "obabel.descriptors", parameters)).Id, TimeSpan.FromMinutes(1));
        Assert.Equal("succeeded", local["state"]!.GetValue<string>());
        Assert.Equal("in-process", local["service"]!.GetValue<string>());
        Assert.Equal("C9H8O4", local["result"]!["descriptors"]!["formula"]!.GetValue<string>());

        // Started, registered, but never heartbeating (RunAsync not called): live until the heartbeat timeout.
        await using var service = await TaskServiceHost.StartAsync([DescriptorsTask.Name], server, TokenOf(admin), "127.0.0.1", 0, null, CancellationToken.None);
        var id = Assert.Single((await admin.GetAsync("GET /api/v1/chem/services", Services)).Value.AsArray())!["id"]!.GetValue<string>();
        await admin.SendAsync("POST /api/v1/chem/services/{id}/heartbeat", $"{Services}/{id}/heartbeat", 204);
        var accepted = await ExecuteAsync(admin, "obabel.descriptors", parameters, cache: false);
        var done = await DockingFixture.WaitAsync(admin, accepted.Id, TimeSpan.FromMinutes(1));
        Assert.Equal("succeeded", done["state"]!.GetValue<string>());
        Assert.Equal(service.Url, done["service"]!.GetValue<string>());
        Assert.Equal("C9H8O4", done["result"]!["descriptors"]!["formula"]!.GetValue<string>());
        Assert.InRange(done["result"]!["descriptors"]!["MW"]!.GetValue<double>(), 180.1, 180.2);

        // No heartbeat for 3 s: dropped, and the task has no live service again.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while ((await admin.GetAsync("GET /api/v1/chem/services", Services)).Value.AsArray().Count > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the silent service was not dropped");
            await Task.Delay(250);
        }
        await admin.SendAsync("POST /api/v1/chem/services/{id}/heartbeat", $"{Services}/{id}/heartbeat", 404);
        await app.Services.GetRequiredService<TaskServiceRegistry>().SweepAsync(CancellationToken.None);
        await admin.SendAsync("DELETE /api/v1/chem/services/{id}", $"{Services}/{id}", 404);
        var after = await DockingFixture.WaitAsync(admin, (await ExecuteAsync(admin, "obabel.descriptors", parameters, cache: false)).Id, TimeSpan.FromMinutes(1));
        Assert.Equal("in-process", after["service"]!.GetValue<string>());
    }
}
