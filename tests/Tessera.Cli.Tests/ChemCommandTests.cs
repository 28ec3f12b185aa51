using System.Text.Json;
using Tessera.Testing;

namespace Tessera.Cli.Tests;

/// <summary><c>tessera chem molecules import</c>, <c>tessera chem tasks …</c> and <c>tessera chem dock</c> against a deployment's data, with clear non-zero exits on bad input.</summary>
public sealed class ChemCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tessera-chem-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task Molecules_import_and_tasks_register_list_show(string dialect)
    {
        await using var scratch = await ScratchDatabase.CreateAsync(dialect);
        string[] data = ["--data-dir", scratch.DataDir, "--database", scratch.Target];
        var smiles = Path.Combine(_dir, "set.smi");
        await File.WriteAllTextAsync(smiles, "CC(=O)Oc1ccccc1C(=O)O aspirin\nC1CC( broken\n");

        var (code, output, error) = await CliProcess.RunAsync(["chem", "molecules", "import", smiles, "--json", .. data]);
        Assert.True(code == 0, error);
        var report = JsonDocument.Parse(output).RootElement;
        Assert.Equal("BSYNRYMUTXBXSQ-UHFFFAOYSA-N", report.GetProperty("molecules")[0].GetProperty("inchikey").GetString());
        Assert.Equal(2, report.GetProperty("rejected")[0].GetProperty("record").GetInt32());

        var bad = Path.Combine(_dir, "bad.smi");
        await File.WriteAllTextAsync(bad, "C1CC(\n");
        (code, _, error) = await CliProcess.RunAsync(["chem", "molecules", "import", bad, .. data]);
        Assert.NotEqual(0, code);
        Assert.Contains("no valid structure", error, StringComparison.Ordinal);
        (code, _, error) = await CliProcess.RunAsync(["chem", "molecules", "import", Path.Combine(_dir, "missing.sdf"), .. data]);
        Assert.NotEqual(0, code);
        Assert.Contains("does not exist", error, StringComparison.Ordinal);

        var task = Path.Combine(_dir, "task.json");
        await File.WriteAllTextAsync(task, """
            {"name": "score", "description": "Scores.", "input_schema": {"type": "object", "required": ["ligand"]}, "output_schema": {"type": "object"}}
            """);
        (code, output, error) = await CliProcess.RunAsync(["chem", "tasks", "register", task, .. data]);
        Assert.True(code == 0, error);
        Assert.Equal(1, JsonDocument.Parse(output).RootElement.GetProperty("version").GetInt32());
        (code, output, error) = await CliProcess.RunAsync(["chem", "tasks", "register", task, .. data]);
        Assert.True(code == 0, error);
        Assert.Equal(2, JsonDocument.Parse(output).RootElement.GetProperty("version").GetInt32());

        (code, output, error) = await CliProcess.RunAsync(["chem", "tasks", "list", "--json", .. data]);
        Assert.True(code == 0, error);
        var names = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("name").GetString()).ToList();
        Assert.Equal(2, names.Count(n => n == "score"));
        Assert.Contains("vina.dock", names);
        (code, output, error) = await CliProcess.RunAsync(["chem", "tasks", "show", "score", "--version", "1", .. data]);
        Assert.True(code == 0, error);
        Assert.Equal(1, JsonDocument.Parse(output).RootElement.GetProperty("version").GetInt32());

        var broken = Path.Combine(_dir, "broken.json");
        await File.WriteAllTextAsync(broken, "{\"name\": ");
        (code, _, error) = await CliProcess.RunAsync(["chem", "tasks", "register", broken, .. data]);
        Assert.NotEqual(0, code);
        Assert.Contains("not a task definition", error, StringComparison.Ordinal);
        (code, _, _) = await CliProcess.RunAsync(["chem", "tasks", "show", "nope", .. data]);
        Assert.NotEqual(0, code);
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task Quota_set_keeps_what_it_does_not_name_and_show_prints_the_limits(string dialect)
    {
        await using var scratch = await ScratchDatabase.CreateAsync(dialect);
        string[] data = ["--data-dir", scratch.DataDir, "--database", scratch.Target, "--org", "lab"];

        var (code, output, error) = await CliProcess.RunAsync(["chem", "quota", "set", "--concurrent-executions", "3", "--stored-bytes", "5000", .. data]);
        Assert.True(code == 0, error);
        (code, _, error) = await CliProcess.RunAsync(["chem", "quota", "set", "--cpu-seconds-per-day", "60", .. data]);
        Assert.True(code == 0, error);
        (code, output, error) = await CliProcess.RunAsync(["chem", "quota", "show", "--json", .. data]);
        Assert.True(code == 0, error);
        var quotas = JsonDocument.Parse(output).RootElement;
        Assert.Equal(3, quotas.GetProperty("concurrent_executions").GetProperty("limit").GetInt64());
        Assert.Equal(60, quotas.GetProperty("cpu_seconds_per_day").GetProperty("limit").GetInt64());
        Assert.Equal(5000, quotas.GetProperty("stored_bytes").GetProperty("limit").GetInt64());
        Assert.Equal("organization", quotas.GetProperty("stored_bytes").GetProperty("source").GetString());
        (code, output, error) = await CliProcess.RunAsync(["chem", "quota", "show", "--org", "other", "--data-dir", scratch.DataDir, "--database", scratch.Target]);
        Assert.True(code == 0, error);
        Assert.Contains("concurrent_executions\tno limit\tdefault\tused 0", output, StringComparison.Ordinal);
        (code, _, error) = await CliProcess.RunAsync(["chem", "quota", "set", "--stored-bytes", "-1", .. data]);
        Assert.NotEqual(0, code);
        Assert.Contains("0 (no limit)", error, StringComparison.Ordinal);
    }

    /// <summary>
    /// <c>tessera chem dock</c> goes through the execution service and the job engine (an in-process worker) like an API
    /// caller: imatinib into 1iep with a quick search (exhaustiveness 1), the box around the crystal ligand.
    /// </summary>
    [Fact]
    public async Task Chem_dock_prints_the_scores_of_an_execution()
    {
        await using var scratch = await ScratchDatabase.CreateAsync("sqlite");
        string[] data = ["--data-dir", scratch.DataDir, "--database", scratch.Target];
        var fixture = Path.Combine(RepoPaths.Fixtures, "docking", "1iep");
        var receptor = Path.Combine(fixture, "1iep_receptor.pdbqt");
        var ligand = Path.Combine(fixture, "1iep_ligand.sdf");

        var (code, output, error) = await CliProcess.RunAsync(
            ["chem", "dock", "--receptor", receptor, "--ligand", ligand, "--around", ligand, "--exhaustiveness", "1", "--seed", "3", "--json", .. data]);
        Assert.True(code == 0, error);
        var execution = JsonDocument.Parse(output).RootElement;
        Assert.Equal("succeeded", execution.GetProperty("state").GetString());
        Assert.Equal("vina.dock", execution.GetProperty("task").GetProperty("name").GetString());
        Assert.True(execution.GetProperty("result").GetProperty("best_score").GetDouble() < -8);
        Assert.Equal(2, execution.GetProperty("artifacts").GetArrayLength());
        Assert.False(execution.GetProperty("cached").GetBoolean());

        // The same docking again is served from the result cache (no job, no tool run).
        string[] again = ["chem", "dock", "--receptor", receptor, "--ligand", ligand, "--around", ligand, "--exhaustiveness", "1", "--seed", "3", "--json", .. data];
        (code, output, error) = await CliProcess.RunAsync(again);
        Assert.True(code == 0, error);
        var cached = JsonDocument.Parse(output).RootElement;
        Assert.True(cached.GetProperty("cached").GetBoolean());
        Assert.Equal(execution.GetProperty("id").GetString(), cached.GetProperty("cached_from").GetString());
        Assert.Equal(JsonValueKind.Null, cached.GetProperty("job_id").ValueKind);
        // --no-cache runs it anyway; without --json the execution's events come first, one line each.
        (code, output, error) = await CliProcess.RunAsync([.. again.Where(a => a != "--json"), "--no-cache"]);
        Assert.True(code == 0, error);
        Assert.Contains("cache: bypassed (ran)", output, StringComparison.Ordinal);
        var events = output.Split('\n').Where(l => l.StartsWith("event ", StringComparison.Ordinal)).Select(l => l.Split('\t')[2]).ToList();
        Assert.Equal("cache", events[0]);
        Assert.Contains("tool_finished", events);
        Assert.Equal("succeeded", events[^1]);

        (code, _, error) = await CliProcess.RunAsync(["chem", "dock", "--receptor", receptor, "--ligand", ligand, "--center", "1,2,3", "--around", ligand, .. data]);
        Assert.NotEqual(0, code);
        Assert.Contains("either", error, StringComparison.Ordinal);
        (code, _, error) = await CliProcess.RunAsync(["chem", "dock", "--receptor", receptor, "--ligand", ligand, "--center", "1,2", "--size", "20,20,20", .. data]);
        Assert.NotEqual(0, code);
        Assert.Contains("three numbers", error, StringComparison.Ordinal);
    }
}
