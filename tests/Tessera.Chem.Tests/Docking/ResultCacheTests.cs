using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Tessera.Chem.Docking;
using Tessera.Chem.Executions;
using Tessera.Chem.Tests.Api;
using Tessera.Jobs;
using Tessera.Testing;

namespace Tessera.Chem.Tests.Docking;

/// <summary>
/// The result cache with real Open Babel and Vina on a quick docking (ethanol in a 12 Å box of 1iep, exhaustiveness 1):
/// the same docking twice is served the second time without a job or a tool run; a changed parameter is a miss whose
/// explanation names it; a default given explicitly (and the same molecule in other SMILES) is a hit; another
/// organization's identical submission is a miss that shows nothing of the first; parallel identical submissions on
/// PostgreSQL run the tool once; a result older than the TTL is a miss that says it expired. The runner is counted.
/// </summary>
public class ResultCacheTests
{
    private static object QuickBox => new { center = new[] { 15.19, 53.90, 16.92 }, size = new[] { 12.0, 12.0, 12.0 } };

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task An_identical_docking_is_served_from_the_cache_and_a_changed_parameter_is_a_miss_that_names_it(string dialect)
    {
        var runs = new RunCounter();
        await using var app = await TesseraAppFactory.CreateAsync(dialect, runs.Install);
        var (api, _) = await ChemApiTests.SignInAsync(app, "docker@example.org", "lab", "member");
        var (rival, _) = await ChemApiTests.SignInAsync(app, "rival@example.org", "rival", "owner");
        var receptor = await DockingFixture.KeepAsync(api, DockingFixture.ReceptorPdbqt, "1iep_receptor.pdbqt", "pdbqt");

        var first = await DockingFixture.ExecuteAsync(api, "vina.dock", new { receptor, ligand = "CCO", box = QuickBox, exhaustiveness = 1, num_modes = 2 });
        Assert.False(first.Value["cached"]!.GetValue<bool>());
        Assert.Equal("miss", first.Value["cache_outcome"]!.GetValue<string>());
        var ran = await DockingFixture.WaitAsync(api, first.Id, TimeSpan.FromMinutes(3));
        Assert.True(ran["state"]!.GetValue<string>() == "succeeded", ran.ToJsonString());
        Assert.Equal(1, runs.Count);
        var explained = await DockingFixture.ExplainAsync(api, first.Id);
        Assert.Null(explained["nearest"]);
        Assert.Contains("No earlier execution", explained["reason"]!.GetValue<string>(), StringComparison.Ordinal);

        // The same docking again: 202 already succeeded, the first one's result and artifacts, no job and no tool run.
        var again = await DockingFixture.ExecuteAsync(api, "vina.dock", new { receptor, ligand = "CCO", box = QuickBox, exhaustiveness = 1, num_modes = 2 });
        Assert.Equal("succeeded", again.Value["state"]!.GetValue<string>());
        Assert.True(again.Value["cached"]!.GetValue<bool>());
        Assert.Equal(first.Id, again.Value["cached_from"]!.GetValue<string>());
        Assert.Null(again.Value["job_id"]);
        Assert.Equal(ran["result"]!.ToJsonString(), again.Value["result"]!.ToJsonString());
        Assert.Equal(2, again.Value["artifacts"]!.AsArray().Count);
        Assert.Equal(ran["input_signature"]!.GetValue<string>(), again.Value["input_signature"]!.GetValue<string>());
        var hit = await DockingFixture.ExplainAsync(api, again.Id);
        Assert.Equal("hit", hit["outcome"]!.GetValue<string>());
        Assert.Equal(first.Id, hit["served_by"]!["execution_id"]!.GetValue<string>());
        Assert.Empty(hit["differences"]!.AsArray());

        // Defaults given explicitly (seed 0, energy_range 3, padding 4), and ethanol written another way: the same signature.
        var explicitDefaults = await DockingFixture.ExecuteAsync(api, "vina.dock",
            new { receptor, ligand = "OCC", box = QuickBox, exhaustiveness = 1, num_modes = 2, seed = 0, energy_range = 3.0, padding = 4, cpu = 1 });
        Assert.True(explicitDefaults.Value["cached"]!.GetValue<bool>());
        Assert.Equal(first.Id, explicitDefaults.Value["cached_from"]!.GetValue<string>());

        // A changed parameter is a miss, and the explanation names that field and nothing else.
        // Written 2.0: JSON Schema's integers include it, and the runner must read it as 2.
        var changed = await DockingFixture.ExecuteAsync(api, "vina.dock", new { receptor, ligand = "CCO", box = QuickBox, exhaustiveness = JsonNode.Parse("2.0"), num_modes = 2 });
        Assert.False(changed.Value["cached"]!.GetValue<bool>());
        Assert.NotNull(changed.Value["job_id"]);
        Assert.Equal("succeeded", (await DockingFixture.WaitAsync(api, changed.Id, TimeSpan.FromMinutes(3)))["state"]!.GetValue<string>());
        var miss = await DockingFixture.ExplainAsync(api, changed.Id);
        Assert.Equal("miss", miss["outcome"]!.GetValue<string>());
        Assert.Equal(first.Id, miss["nearest"]!["execution_id"]!.GetValue<string>());
        var difference = Assert.Single(miss["differences"]!.AsArray())!;
        Assert.Equal("parameters.exhaustiveness", difference["field"]!.GetValue<string>());
        Assert.Equal("parameters.exhaustiveness: 1 → 2", difference["summary"]!.GetValue<string>());
        Assert.Contains("parameters.exhaustiveness: 1 → 2", miss["reason"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(2, runs.Count);

        // Another receptor file: the input's content hash differs.
        var other = await DockingFixture.KeepAsync(api, DockingFixture.ReceptorPdbqt + "REMARK   another copy\n", "copy.pdbqt", "pdbqt");
        var otherReceptor = await DockingFixture.ExecuteAsync(api, "vina.dock", new { receptor = other, ligand = "CCO", box = QuickBox, exhaustiveness = 1, num_modes = 2 }, cache: false);
        Assert.Equal("bypassed", otherReceptor.Value["cache_outcome"]!.GetValue<string>());
        await DockingFixture.WaitAsync(api, otherReceptor.Id, TimeSpan.FromMinutes(3));
        var receptorMiss = await DockingFixture.ExplainAsync(api, otherReceptor.Id);
        var field = Assert.Single(receptorMiss["differences"]!.AsArray())!;
        Assert.Equal("inputs.receptor", field["field"]!.GetValue<string>());
        Assert.StartsWith("inputs.receptor: pdbqt sha256:", field["summary"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("bypassed", receptorMiss["reason"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(3, runs.Count);

        // Another organization, the same files and parameters: a miss; its explanation knows nothing of the first's executions.
        var theirs = await DockingFixture.KeepAsync(rival, DockingFixture.ReceptorPdbqt, "1iep_receptor.pdbqt", "pdbqt");
        var foreign = await DockingFixture.ExecuteAsync(rival, "vina.dock", new { receptor = theirs, ligand = "CCO", box = QuickBox, exhaustiveness = 1, num_modes = 2 });
        Assert.False(foreign.Value["cached"]!.GetValue<bool>());
        Assert.Equal(ran["input_signature"]!.GetValue<string>(), foreign.Value["input_signature"]!.GetValue<string>());
        await DockingFixture.WaitAsync(rival, foreign.Id, TimeSpan.FromMinutes(3));
        var foreignMiss = await DockingFixture.ExplainAsync(rival, foreign.Id);
        Assert.Null(foreignMiss["nearest"]);
        Assert.Empty(foreignMiss["differences"]!.AsArray());
        Assert.DoesNotContain(first.Id, foreignMiss.ToJsonString(), StringComparison.Ordinal);
        await rival.GetAsync("GET /api/v1/chem/executions/{id}/cache", $"/api/v1/chem/executions/{first.Id}/cache", 404);
        Assert.Equal(4, runs.Count);
    }

    [Fact]
    public async Task Parallel_identical_submissions_on_postgres_run_the_tool_once()
    {
        var runs = new RunCounter();
        await using var app = await TesseraAppFactory.CreateAsync("postgres", runs.Install);
        var (api, _) = await ChemApiTests.SignInAsync(app, "docker@example.org", "lab", "member");
        var receptor = await DockingFixture.KeepAsync(api, DockingFixture.ReceptorPdbqt, "1iep_receptor.pdbqt", "pdbqt");
        var parameters = new { receptor, ligand = "CCO", box = QuickBox, exhaustiveness = 1, num_modes = 2, seed = 5 };

        var submitted = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => DockingFixture.ExecuteAsync(api, "vina.dock", parameters)));
        var done = await Task.WhenAll(submitted.Select(s => DockingFixture.WaitAsync(api, s.Id, TimeSpan.FromMinutes(3))));

        Assert.All(done, d => Assert.Equal("succeeded", d["state"]!.GetValue<string>()));
        Assert.Equal(1, runs.Count);
        var ran = Assert.Single(submitted, s => s.Value["job_id"] is not null);
        Assert.All(submitted.Where(s => s != ran), s => Assert.Equal(ran.Id, s.Value["cached_from"]!.GetValue<string>()));
        Assert.Single(done.Select(d => d["result"]!.ToJsonString()).Distinct());
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task A_result_older_than_the_ttl_is_a_miss_that_says_it_expired(string dialect)
    {
        var clock = new ManualTimeProvider(DateTimeOffset.UtcNow);
        var runs = new RunCounter();
        await using var app = await TesseraAppFactory.CreateAsync(dialect, s =>
        {
            runs.Install(s);
            s.AddSingleton<TimeProvider>(clock);
        }, new Dictionary<string, string?> { ["chem:cache_ttl_seconds"] = "600" });
        var (api, _) = await ChemApiTests.SignInAsync(app, "docker@example.org", "lab", "member");
        var receptor = await DockingFixture.KeepAsync(api, DockingFixture.ReceptorPdbqt, "1iep_receptor.pdbqt", "pdbqt");
        var parameters = new { receptor, ligand = "CCO", box = QuickBox, exhaustiveness = 1, num_modes = 2 };

        var first = await DockingFixture.ExecuteAsync(api, "vina.dock", parameters);
        await DockingFixture.WaitAsync(api, first.Id, TimeSpan.FromMinutes(3));
        clock.Advance(TimeSpan.FromSeconds(300));
        Assert.True((await DockingFixture.ExecuteAsync(api, "vina.dock", parameters)).Value["cached"]!.GetValue<bool>());

        clock.Advance(TimeSpan.FromSeconds(400));
        var late = await DockingFixture.ExecuteAsync(api, "vina.dock", parameters);
        Assert.False(late.Value["cached"]!.GetValue<bool>());
        await DockingFixture.WaitAsync(api, late.Id, TimeSpan.FromMinutes(3));
        var explained = await DockingFixture.ExplainAsync(api, late.Id);
        Assert.Equal(first.Id, explained["nearest"]!["execution_id"]!.GetValue<string>());
        Assert.Empty(explained["differences"]!.AsArray());
        Assert.StartsWith("Expired", explained["reason"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("ttl_seconds (600)", explained["reason"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(2, runs.Count);
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task A_task_definition_declares_its_cache_policy_and_a_wrong_one_is_refused(string dialect)
    {
        await using var app = await TesseraAppFactory.CreateAsync(dialect);
        var (admin, _) = await ChemApiTests.SignInAsync(app, "admin@example.org", "lab", "admin");
        const string schema = """{"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object"}""";
        string Definition(int version, string cache) =>
            $$"""{"name":"lab.score","version":{{version}},"description":"","input_schema":{{schema}},"output_schema":{{schema}},"resources":{}{{cache}}}""";

        var v1 = await admin.SendJsonAsync("POST /api/v1/chem/task-registry/tasks", "/api/v1/chem/task-registry/tasks", 201, Definition(1, ""));
        Assert.True(v1.Value["cache"]!["enabled"]!.GetValue<bool>());
        var v2 = await admin.SendJsonAsync("POST /api/v1/chem/task-registry/tasks", "/api/v1/chem/task-registry/tasks", 201,
            Definition(2, ""","cache":{"ttl_seconds":3600,"compatible_versions":[1]}"""));
        Assert.Equal(3600, v2.Value["cache"]!["ttl_seconds"]!.GetValue<int>());
        Assert.Equal([1], v2.Value["cache"]!["compatible_versions"]!.AsArray().Select(v => v!.GetValue<int>()));
        await admin.SendJsonAsync("POST /api/v1/chem/task-registry/tasks", "/api/v1/chem/task-registry/tasks", 400, Definition(3, ""","cache":{"ttl_seconds":0}"""));
        await admin.SendJsonAsync("POST /api/v1/chem/task-registry/tasks", "/api/v1/chem/task-registry/tasks", 400, Definition(3, ""","cache":{"compatible_versions":[3]}"""));
        await admin.SendJsonAsync("POST /api/v1/chem/task-registry/tasks", "/api/v1/chem/task-registry/tasks", 400, Definition(3, ""","cache":{"ttl":5}"""));
    }

    [Fact]
    public void The_signature_is_canonical_and_applies_the_schemas_defaults()
    {
        const string schema = """{"type":"object","properties":{"a":{"type":"integer","default":8},"box":{"type":"object","properties":{"pad":{"default":4}}}}}""";
        var tools = new Dictionary<string, string> { ["vina"] = "AutoDock Vina v1.2.3" };
        var given = InputSignature.Of("t", 1, tools, new JsonObject { ["x"] = "sha256:ab" },
            InputSignature.WithDefaults(schema, (JsonObject)JsonNode.Parse("""{"box":{"pad":4.0},"a":8.0}""")!));
        var defaulted = InputSignature.Of("t", 1, tools, new JsonObject { ["x"] = "sha256:ab" },
            InputSignature.WithDefaults(schema, (JsonObject)JsonNode.Parse("""{"box":{}}""")!));
        Assert.Equal(given.Hash, defaulted.Hash);
        Assert.Equal("""{"inputs":{"x":"sha256:ab"},"parameters":{"a":8,"box":{"pad":4}},"task":{"name":"t","version":1},"tool":{"vina":"AutoDock Vina v1.2.3"}}""", given.Text);
        Assert.NotEqual(given.Hash, given.HashForVersion(2));
        Assert.Equal(
            ["inputs.x", "parameters.a", "parameters.box.pad", "task.name", "task.version", "tool.vina"],
            InputSignature.Flatten(given.Components).Keys);
    }

    /// <summary>Counts the runs of vina.dock by wrapping the real runner, so a test can see that a cache hit ran no tool.</summary>
    private sealed class RunCounter
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public void Install(IServiceCollection services)
        {
            services.RemoveAll<IChemTaskRunner>();
            services.AddSingleton<IChemTaskRunner>(sp => new Counting(ActivatorUtilities.CreateInstance<VinaDockRunner>(sp), this));
        }

        private sealed class Counting(VinaDockRunner inner, RunCounter counter) : IChemTaskRunner
        {
            public string TaskName => inner.TaskName;

            public Task<JsonObject> RunAsync(Execution execution, JobContext context, CancellationToken cancellationToken)
            {
                Interlocked.Increment(ref counter._count);
                return inner.RunAsync(execution, context, cancellationToken);
            }

            public Task<IReadOnlyDictionary<string, string>> ToolVersionsAsync(CancellationToken cancellationToken) => inner.ToolVersionsAsync(cancellationToken);

            public Task<JsonObject> InputsAsync(Guid orgId, JsonObject parameters, CancellationToken cancellationToken) => inner.InputsAsync(orgId, parameters, cancellationToken);
        }
    }
}
