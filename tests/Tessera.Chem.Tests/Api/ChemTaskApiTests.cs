using System.Text.Json;
using Tessera.Core.Errors;
using Tessera.Testing;
using Tessera.Testing.Contracts;

namespace Tessera.Chem.Tests.Api;

/// <summary>
/// The task registry over HTTP: the seeded system tasks, registration by organization admins only, broken schemas
/// refused, parameters validated with errors per instance path, a new version changing what validates, and another
/// organization's task missing. The last test checks that Chem's tests call every Chem route.
/// </summary>
public class ChemTaskApiTests
{
    private const string Tasks = "/api/v1/chem/task-registry/tasks";

    private static string Body(object value) => JsonSerializer.Serialize(value);

    private static object Definition(string name, object inputSchema, int? version = null) => new
    {
        name,
        version,
        description = "Scores a ligand.",
        input_schema = inputSchema,
        output_schema = new { type = "object", properties = new { score = new { type = "number" } } },
        resources = new { cpu = 1 },
    };

    private static readonly object ScoreV1 = new
    {
        type = "object",
        required = new[] { "ligand" },
        additionalProperties = false,
        properties = new { ligand = new { type = "string", minLength = 1 }, seed = new { type = "integer", minimum = 0 } },
    };

    private static readonly object ScoreV2 = new
    {
        type = "object",
        required = new[] { "ligand", "exhaustiveness" },
        additionalProperties = false,
        properties = new { ligand = new { type = "string" }, exhaustiveness = new { type = "integer", minimum = 1, maximum = 32 } },
    };

    private static Task<ContractResponse> ValidateAsync(ContractClient api, string name, string query, object parameters, int expected) =>
        api.SendJsonAsync("POST /api/v1/chem/task-registry/tasks/{name}/validate", $"{Tasks}/{name}/validate{query}", expected, Body(parameters));

    private static List<(string Path, string Keyword)> Errors(ContractResponse refused) =>
        [.. refused.Value["errors"]!.AsArray().Select(e => (e!["instance_path"]!.GetValue<string>(), e!["keyword"]!.GetValue<string>()))];

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task Tasks_register_validate_and_version_per_organization(string dialect)
    {
        await using var app = await TesseraAppFactory.CreateAsync(dialect);
        var (admin, _) = await ChemApiTests.SignInAsync(app, "admin@example.org", "lab", "admin");
        var (member, _) = await ChemApiTests.SignInAsync(app, "member@example.org", "lab", "member");
        var (other, _) = await ChemApiTests.SignInAsync(app, "rival@example.org", "rival", "owner");

        // The seeded system tasks, visible to everyone.
        var seeded = (await member.GetAsync("GET /api/v1/chem/task-registry/tasks", Tasks)).Value.AsArray().Select(t => t!["name"]!.GetValue<string>()).ToList();
        Assert.Equal(["docking.summarise", "obabel.convert", "obabel.descriptors", "obabel.gen3d", "obabel.protonate", "vina.dock"], seeded.Distinct());
        var vina = await other.GetAsync("GET /api/v1/chem/task-registry/tasks/{name}", $"{Tasks}/vina.dock");
        Assert.Equal("system", vina.Value["owner"]!.GetValue<string>());
        // Parameters naming a stored file or molecule carry the web form's annotation, which validation ignores (below).
        var properties = vina.Value["input_schema"]!["properties"]!;
        Assert.Equal(["artifact", "artifact", "artifact"], new[] { "receptor", "ligand", "reference_ligand" }.Select(p => properties[p]!["x-tessera-input"]!.GetValue<string>()));
        var protonate = await member.GetAsync("GET /api/v1/chem/task-registry/tasks/{name}", $"{Tasks}/obabel.protonate");
        Assert.Equal("molecule", protonate.Value["input_schema"]!["properties"]!["molecule"]!["x-tessera-input"]!.GetValue<string>());
        var dock = new { receptor = "r", ligand = "CCO", box = new { center = new[] { 1.0, 2, 3 }, size = new[] { 20.0, 20, 20 } }, exhaustiveness = 8, seed = 42 };
        await ValidateAsync(member, "vina.dock", "", dock, 200);
        var badDock = await ValidateAsync(member, "vina.dock", "", new { receptor = "r", ligand = "CCO", reference_ligand = "x", exhaustiveness = 100 }, 422);
        Assert.Contains(("/exhaustiveness", "maximum"), Errors(badDock));

        // Only organization admins define tasks; members read them.
        var forbidden = await member.SendJsonAsync("POST /api/v1/chem/task-registry/tasks", Tasks, 403, Body(Definition("score", ScoreV1)));
        Assert.Equal(ErrorCodes.Forbidden, forbidden.Value["code"]!.GetValue<string>());
        var broken = await admin.SendJsonAsync("POST /api/v1/chem/task-registry/tasks", Tasks, 422,
            Body(Definition("score", new { type = "object", properties = new { ligand = new { type = "strang" } }, required = "ligand" })));
        Assert.Equal(ChemErrorCodes.SchemaInvalid, broken.Value["code"]!.GetValue<string>());
        Assert.NotEmpty(broken.Value["errors"]!.AsArray());
        await admin.SendJsonAsync("POST /api/v1/chem/task-registry/tasks", Tasks, 422, Body(Definition("score", new Dictionary<string, object> { ["$schema"] = "http://json-schema.org/draft-07/schema#" })));
        await admin.SendJsonAsync("POST /api/v1/chem/task-registry/tasks", Tasks, 400, Body(Definition("Bad Name", ScoreV1)));
        var reserved = await admin.SendJsonAsync("POST /api/v1/chem/task-registry/tasks", Tasks, 409, Body(Definition("vina.dock", ScoreV1)));
        Assert.Equal(ChemErrorCodes.TaskNameReserved, reserved.Value["code"]!.GetValue<string>());

        var v1 = await admin.SendJsonAsync("POST /api/v1/chem/task-registry/tasks", Tasks, 201, Body(Definition("score", ScoreV1)));
        Assert.Equal(1, v1.Value["version"]!.GetValue<int>());
        Assert.Equal("organization", v1.Value["owner"]!.GetValue<string>());
        await member.GetAsync("GET /api/v1/chem/task-registry/tasks/{name}", $"{Tasks}/score");
        await ValidateAsync(member, "score", "", new { ligand = "CCO", seed = 1 }, 200);
        var refused = await ValidateAsync(member, "score", "", new { seed = -1, extra = true }, 422);
        Assert.Equal(ChemErrorCodes.ParametersInvalid, refused.Value["code"]!.GetValue<string>());
        var errors = Errors(refused);
        Assert.Contains(("", "required"), errors);
        Assert.Contains(("/seed", "minimum"), errors);
        Assert.Contains(errors, e => e.Path == "/extra");

        // A new version changes what validates at once; the old one stays as it was, and versions never change.
        var v2 = await admin.SendJsonAsync("POST /api/v1/chem/task-registry/tasks", Tasks, 201, Body(Definition("score", ScoreV2)));
        Assert.Equal(2, v2.Value["version"]!.GetValue<int>());
        var now = await ValidateAsync(member, "score", "", new { ligand = "CCO", seed = 1 }, 422);
        Assert.Contains(("", "required"), Errors(now));
        await ValidateAsync(member, "score", "", new { ligand = "CCO", exhaustiveness = 8 }, 200);
        await ValidateAsync(member, "score", "?version=1", new { ligand = "CCO", seed = 1 }, 200);
        var old = await member.GetAsync("GET /api/v1/chem/task-registry/tasks/{name}", $"{Tasks}/score?version=1");
        Assert.Equal(1, old.Value["version"]!.GetValue<int>());
        var taken = await admin.SendJsonAsync("POST /api/v1/chem/task-registry/tasks", Tasks, 409, Body(Definition("score", ScoreV2, version: 1)));
        Assert.Equal(ChemErrorCodes.TaskVersionExists, taken.Value["code"]!.GetValue<string>());

        // Another organization sees neither version, and may use the name for its own task.
        await other.GetAsync("GET /api/v1/chem/task-registry/tasks/{name}", $"{Tasks}/score", 404);
        await ValidateAsync(other, "score", "", new { ligand = "CCO" }, 404);
        Assert.DoesNotContain("score", (await other.GetAsync("GET /api/v1/chem/task-registry/tasks", Tasks)).Value.AsArray().Select(t => t!["name"]!.GetValue<string>()));
        var theirs = await other.SendJsonAsync("POST /api/v1/chem/task-registry/tasks", Tasks, 201, Body(Definition("score", ScoreV2)));
        Assert.Equal(1, theirs.Value["version"]!.GetValue<int>());
    }

    [Fact]
    public async Task Chem_tests_call_every_chem_route()
    {
        // The server's route contract test leaves Chem's routes to this project: each must be named in its tests.
        await using var app = await TesseraAppFactory.CreateAsync("sqlite");
        var (api, _) = await ChemApiTests.SignInAsync(app, "chemist@example.org", "lab", "member");
        var sources = string.Concat(Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, "tests", "Tessera.Chem.Tests"), "*.cs", SearchOption.AllDirectories).Select(File.ReadAllText));
        var chem = api.Contract.Operations.Where(ModuleContractRoutes.IsChem).ToList();
        Assert.NotEmpty(chem);
        Assert.All(chem, o => Assert.Contains($"\"{o}\"", sources, StringComparison.Ordinal));
    }
}
