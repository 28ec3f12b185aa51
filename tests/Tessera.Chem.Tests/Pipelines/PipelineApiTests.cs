using System.Text.Json;
using System.Text.Json.Nodes;
using Tessera.Chem.Tests.Api;
using Tessera.Chem.Tests.Docking;
using Tessera.Testing;
using Tessera.Testing.Contracts;

namespace Tessera.Chem.Tests.Pipelines;

/// <summary>
/// Pipelines over HTTP with real Open Babel and Vina: prepare (obabel.protonate) → dock (vina.dock v2, ethanol in a
/// 12 Å box of 1iep, exhaustiveness 1) → summarise (docking.summarise) is saved, instantiated, runs, and reruns with
/// every step served by the result cache; invalid templates are 422 with each problem's path; a failing step skips
/// its dependants with the reason; instances are listed newest first; another organization sees nothing.
/// </summary>
public class PipelineApiTests
{
    private const string Templates = "/api/v1/chem/pipeline-templates";
    private const string Instances = "/api/v1/chem/pipeline-instances";

    private static object QuickBox => new { center = new[] { 15.19, 53.90, 16.92 }, size = new[] { 12.0, 12.0, 12.0 } };

    /// <summary>prepare → dock → summarise; the summary also takes the prepared SMILES as its label.</summary>
    private static object DockingPipeline(string name) => new
    {
        name,
        description = "Protonate, dock into 1iep, summarise.",
        steps = new object[]
        {
            new { id = "prepare", task = "obabel.protonate", parameters = new { ph = 7.4 }, bind = new Dictionary<string, string> { ["molecule"] = "$inputs.smiles" } },
            new
            {
                id = "dock", task = "vina.dock", parameters = new { box = QuickBox, exhaustiveness = 1, num_modes = 2 },
                bind = new Dictionary<string, string> { ["receptor"] = "$inputs.receptor", ["ligand"] = "$steps.prepare.result.smiles" },
            },
            new
            {
                id = "summarise", task = "docking.summarise", parameters = new { threshold = -1.0 },
                bind = new Dictionary<string, string>
                {
                    ["poses"] = "$steps.dock.result.poses", ["confidence"] = "$steps.dock.result.confidence.value", ["label"] = "$steps.prepare.result.smiles",
                },
            },
        },
    };

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task A_three_step_pipeline_instantiates_runs_and_reruns_with_cached_steps(string dialect)
    {
        await using var app = await TesseraAppFactory.CreateAsync(dialect);
        var (api, _) = await ChemApiTests.SignInAsync(app, "chemist@example.org", "lab", "member");
        var (rival, _) = await ChemApiTests.SignInAsync(app, "rival@example.org", "rival", "owner");
        var receptor = await DockingFixture.KeepAsync(api, DockingFixture.ReceptorPdbqt, "1iep_receptor.pdbqt", "pdbqt");

        var template = (await RegisterAsync(api, DockingPipeline("dock-and-summarise"), 201)).Value;
        Assert.Equal(1, template["version"]!.GetValue<int>());
        Assert.Equal(2, template["steps"]![1]!["task"]!["version"]!.GetValue<int>());
        Assert.Equal(["prepare"], Strings(template["steps"]![1]!["needs"]!));
        Assert.Equal(["dock", "prepare"], Strings(template["steps"]![2]!["needs"]!).Order());
        Assert.Equal(["receptor", "smiles"], Strings(template["inputs"]!["required"]!).Order());
        Assert.Equal("string", template["inputs"]!["properties"]!["smiles"]!["type"]!.GetValue<string>());
        var id = template["id"]!.GetValue<string>();
        Assert.Equal(2, (await RegisterAsync(api, DockingPipeline("dock-and-summarise"), 201)).Value["version"]!.GetValue<int>());
        Assert.Equal(2, (await api.GetAsync("GET /api/v1/chem/pipeline-templates", Templates)).Value.AsArray().Count);
        Assert.Equal("dock-and-summarise", (await api.GetAsync("GET /api/v1/chem/pipeline-templates/{id}", $"{Templates}/{id}")).Value["name"]!.GetValue<string>());

        var started = (await InstantiateAsync(api, id, new { smiles = "OCC", receptor }, 202)).Value;
        Assert.Equal(["prepare", "dock", "summarise"], started["steps"]!.AsArray().Select(s => s!["id"]!.GetValue<string>()));
        Assert.Equal("waiting", started["steps"]![2]!["state"]!.GetValue<string>());
        var first = await WaitAsync(api, started["id"]!.GetValue<string>());
        Assert.True(first["state"]!.GetValue<string>() == "succeeded", first.ToJsonString());
        Assert.Equal(0, first["cached_steps"]!.GetValue<int>());
        var (prepare, dock, summary) = (Step(first, "prepare"), Step(first, "dock"), Step(first, "summarise"));
        Assert.Equal("CCO", prepare["result"]!["smiles"]!.GetValue<string>());
        Assert.Equal("CCO", dock["parameters"]!["ligand"]!.GetValue<string>());
        Assert.All(first["steps"]!.AsArray(), s => Assert.False(s!["cached"]!.GetValue<bool>()));
        var poses = dock["result"]!["poses"]!.AsArray();
        Assert.Equal(poses.Count, summary["result"]!["pose_count"]!.GetValue<int>());
        Assert.Equal(dock["result"]!["best_score"]!.GetValue<double>(), summary["result"]!["best_score"]!.GetValue<double>());
        Assert.Equal(dock["result"]!["confidence"]!["value"]!.GetValue<double>(), summary["result"]!["confidence"]!.GetValue<double>());
        Assert.Equal("CCO", summary["result"]!["label"]!.GetValue<string>());
        Assert.True(summary["result"]!["passes"]!.GetValue<bool>());
        Assert.NotNull(dock["started_at"]);
        var dockExecution = (await api.GetAsync("GET /api/v1/chem/executions/{id}", $"/api/v1/chem/executions/{dock["execution_id"]}")).Value;
        Assert.Equal("succeeded", dockExecution["state"]!.GetValue<string>());
        Assert.Equal(2, dockExecution["artifacts"]!.AsArray().Count);

        // The rerun: a new instance whose every step the result cache serves, with the first run's results.
        var rerun = (await api.SendAsync("POST /api/v1/chem/pipeline-instances/{id}/rerun", $"{Instances}/{first["id"]}/rerun", 202)).Value;
        Assert.Equal(first["id"]!.GetValue<string>(), rerun["rerun_of"]!.GetValue<string>());
        var second = await WaitAsync(api, rerun["id"]!.GetValue<string>());
        Assert.True(second["state"]!.GetValue<string>() == "succeeded", second.ToJsonString());
        Assert.True(second["cached_steps"]!.GetValue<int>() == 3, second.ToJsonString());
        foreach (var step in second["steps"]!.AsArray())
        {
            var before = Step(first, step!["id"]!.GetValue<string>());
            Assert.True(step["cached"]!.GetValue<bool>());
            Assert.Equal("hit", step["cache_outcome"]!.GetValue<string>());
            Assert.Equal(before["execution_id"]!.GetValue<string>(), step["cached_from"]!.GetValue<string>());
            Assert.Equal(before["result"]!.ToJsonString(), step["result"]!.ToJsonString());
            Assert.Contains("Served from the cache", step["reason"]!.GetValue<string>(), StringComparison.Ordinal);
        }

        // Another organization: the template and instances are missing, and its list is empty.
        await rival.GetAsync("GET /api/v1/chem/pipeline-templates/{id}", $"{Templates}/{id}", 404);
        await rival.GetAsync("GET /api/v1/chem/pipeline-instances/{id}", $"{Instances}/{first["id"]}", 404);
        await InstantiateAsync(rival, id, new { smiles = "CCO", receptor }, 404);
        await rival.SendAsync("POST /api/v1/chem/pipeline-instances/{id}/rerun", $"{Instances}/{first["id"]}/rerun", 404);
        Assert.Empty((await rival.GetAsync("GET /api/v1/chem/pipeline-templates", Templates)).Value.AsArray());
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task A_failing_step_skips_its_dependants_and_says_why(string dialect)
    {
        await using var app = await TesseraAppFactory.CreateAsync(dialect);
        var (api, _) = await ChemApiTests.SignInAsync(app, "chemist@example.org", "lab", "member");
        var id = (await RegisterAsync(api, DockingPipeline("failing"), 201)).Value["id"]!.GetValue<string>();

        // No artifact has this id: the docking fails, so the summary never runs.
        var started = (await InstantiateAsync(api, id, new { smiles = "CCO", receptor = Guid.NewGuid().ToString() }, 202)).Value;
        var done = await WaitAsync(api, started["id"]!.GetValue<string>());
        Assert.Equal("failed", done["state"]!.GetValue<string>());
        Assert.Equal("succeeded", Step(done, "prepare")["state"]!.GetValue<string>());
        var dock = Step(done, "dock");
        Assert.Equal("failed", dock["state"]!.GetValue<string>());
        Assert.Equal("RESOURCE_NOT_FOUND", dock["error"]!["code"]!.GetValue<string>());
        var summary = Step(done, "summarise");
        Assert.Equal("skipped", summary["state"]!.GetValue<string>());
        Assert.Null(summary["result"]);
        Assert.Equal("Not run: step 'dock' ended failed.", summary["reason"]!.GetValue<string>());
        var execution = (await api.GetAsync("GET /api/v1/chem/executions/{id}", $"/api/v1/chem/executions/{summary["execution_id"]}")).Value;
        Assert.Equal("skipped", execution["state"]!.GetValue<string>());

        // The organization's instances, newest first, each as GET gives it; of one template; none of them for another organization.
        var other = (await RegisterAsync(api, DockingPipeline("other"), 201)).Value["id"]!.GetValue<string>();
        var second = (await InstantiateAsync(api, other, new { smiles = "CCN", receptor = Guid.NewGuid().ToString() }, 202)).Value["id"]!.GetValue<string>();
        var listed = (await api.GetAsync("GET /api/v1/chem/pipeline-instances", Instances)).Value.AsArray();
        Assert.Equal([second, started["id"]!.GetValue<string>()], listed.Select(i => i!["id"]!.GetValue<string>()));
        Assert.Equal(done.ToJsonString(), listed[1]!.ToJsonString());
        var ofTemplate = (await api.GetAsync("GET /api/v1/chem/pipeline-instances", $"{Instances}?template_id={id}&limit=5")).Value.AsArray();
        Assert.Equal([started["id"]!.GetValue<string>()], ofTemplate.Select(i => i!["id"]!.GetValue<string>()));
        Assert.Single((await api.GetAsync("GET /api/v1/chem/pipeline-instances", $"{Instances}?limit=1")).Value.AsArray());
        var (rival, _) = await ChemApiTests.SignInAsync(app, "rival@example.org", "rival", "owner");
        Assert.Empty((await rival.GetAsync("GET /api/v1/chem/pipeline-instances", Instances)).Value.AsArray());
        Assert.Equal("VALIDATION_FAILED", (await api.GetAsync("GET /api/v1/chem/pipeline-instances", $"{Instances}?limit=0", 400)).Value["code"]!.GetValue<string>());

        // Inputs that do not match the template's: 422 naming each.
        var missing = await InstantiateAsync(api, id, new { smiles = 5 }, 422);
        Assert.Equal("CHEM_PIPELINE_PARAMETERS_INVALID", missing.Value["code"]!.GetValue<string>());
        var paths = missing.Value["errors"]!.AsArray().Select(e => e!["instance_path"]!.GetValue<string>()).ToList();
        Assert.Contains("/smiles", paths);
        Assert.Contains(missing.Value["errors"]!.AsArray(), e => e!["keyword"]!.GetValue<string>() == "required");
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task Invalid_templates_are_422_with_each_problem_s_path(string dialect)
    {
        await using var app = await TesseraAppFactory.CreateAsync(dialect);
        var (api, _) = await ChemApiTests.SignInAsync(app, "chemist@example.org", "lab", "member");

        var cycle = await RegisterAsync(api, new
        {
            name = "cycle",
            steps = new object[]
            {
                new { id = "a", task = "obabel.protonate", bind = new Dictionary<string, string> { ["molecule"] = "$steps.b.result.smiles" } },
                new { id = "b", task = "obabel.protonate", bind = new Dictionary<string, string> { ["molecule"] = "$steps.a.result.smiles" } },
            },
        }, 422);
        Assert.Equal("CHEM_PIPELINE_INVALID", cycle.Value["code"]!.GetValue<string>());
        var loop = Assert.Single(cycle.Value["errors"]!.AsArray())!;
        Assert.Equal(("/steps", "cycle"), (loop["instance_path"]!.GetValue<string>(), loop["keyword"]!.GetValue<string>()));
        Assert.Contains("a → b → a", loop["message"]!.GetValue<string>(), StringComparison.Ordinal);

        var unknown = await RegisterAsync(api, new { name = "unknown", steps = new object[] { new { id = "x", task = "no.such.task" } } }, 422);
        Assert.Equal("/steps/0/task", Assert.Single(unknown.Value["errors"]!.AsArray())!["instance_path"]!.GetValue<string>());

        // A docking's poses (an array) bound to a molecule (a string), a result field no output schema has, a fixed parameter out of range.
        var mismatch = await RegisterAsync(api, new
        {
            name = "mismatch",
            steps = new object[]
            {
                new { id = "dock", task = "vina.dock", parameters = new { receptor = "r", ligand = "CCO", box = QuickBox, exhaustiveness = 99 } },
                new { id = "again", task = "obabel.protonate", bind = new Dictionary<string, string> { ["molecule"] = "$steps.dock.result.poses" } },
                new { id = "more", task = "obabel.protonate", bind = new Dictionary<string, string> { ["molecule"] = "$steps.dock.result.no_such_field" } },
            },
        }, 422);
        var errors = mismatch.Value["errors"]!.AsArray().ToDictionary(e => e!["instance_path"]!.GetValue<string>(), e => e!);
        Assert.Equal(["/steps/0/parameters/exhaustiveness", "/steps/1/bind/molecule", "/steps/2/bind/molecule"], errors.Keys.Order());
        Assert.Equal("type", errors["/steps/1/bind/molecule"]["keyword"]!.GetValue<string>());
        Assert.Contains("is array; 'molecule' takes string", errors["/steps/1/bind/molecule"]["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("output", errors["/steps/2/bind/molecule"]["keyword"]!.GetValue<string>());
        Assert.Empty((await api.GetAsync("GET /api/v1/chem/pipeline-templates", Templates)).Value.AsArray());
    }

    private static Task<ContractResponse> RegisterAsync(ContractClient api, object template, int expected) =>
        api.SendJsonAsync("POST /api/v1/chem/pipeline-templates", Templates, expected, JsonSerializer.Serialize(template));

    private static Task<ContractResponse> InstantiateAsync(ContractClient api, string templateId, object parameters, int expected) =>
        api.SendJsonAsync("POST /api/v1/chem/pipeline-templates/{id}/instantiate", $"{Templates}/{templateId}/instantiate", expected, JsonSerializer.Serialize(new { parameters }));

    private static JsonNode Step(JsonNode instance, string id) => instance["steps"]!.AsArray().Single(s => s!["id"]!.GetValue<string>() == id)!;

    private static List<string> Strings(JsonNode array) => [.. array.AsArray().Select(n => n!.GetValue<string>())];

    /// <summary>Polls the instance until it has ended, as a client would.</summary>
    private static async Task<JsonNode> WaitAsync(ContractClient api, string id)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(3);
        while (true)
        {
            var instance = (await api.GetAsync("GET /api/v1/chem/pipeline-instances/{id}", $"{Instances}/{id}")).Value;
            if (instance["state"]!.GetValue<string>() != "running") return instance;
            Assert.True(DateTime.UtcNow < deadline, $"the pipeline did not end in 3 minutes: {instance.ToJsonString()}");
            await Task.Delay(250);
        }
    }
}
