using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Tessera.Chem.Docking;
using Tessera.Testing;
using Tessera.Testing.Contracts;

namespace Tessera.Chem.Tests.Docking;

/// <summary>
/// The 1iep redocking fixture (<c>shared/fixtures/docking/1iep</c>: Abl kinase with imatinib, the receptor as PDBQT and
/// PDB, the crystal ligand as SDF, the box Vina's tutorial uses), and helpers to run executions through the API.
/// </summary>
internal static class DockingFixture
{
    public static string Folder => Path.Combine(RepoPaths.Fixtures, "docking", "1iep");

    public static string ReceptorPdbqt => File.ReadAllText(Path.Combine(Folder, "1iep_receptor.pdbqt"));
    public static string LigandSdf => File.ReadAllText(Path.Combine(Folder, "1iep_ligand.sdf"));

    /// <summary>The box from <c>1iep_receptor.box.txt</c> (center_x = …, size_x = …).</summary>
    public static object Box()
    {
        var values = File.ReadAllLines(Path.Combine(Folder, "1iep_receptor.box.txt"))
            .Select(l => l.Split('=', StringSplitOptions.TrimEntries)).Where(p => p.Length == 2)
            .ToDictionary(p => p[0], p => double.Parse(p[1], CultureInfo.InvariantCulture));
        return new
        {
            center = new[] { values["center_x"], values["center_y"], values["center_z"] },
            size = new[] { values["size_x"], values["size_y"], values["size_z"] },
        };
    }

    /// <summary>Keeps a file as an artifact (<c>POST /artifacts</c>, as receptors are stored) and returns its id.</summary>
    public static async Task<string> KeepAsync(ContractClient api, string text, string fileName, string format)
    {
        var form = new MultipartFormDataContent { { new ByteArrayContent(Encoding.UTF8.GetBytes(text)), "file", fileName }, { new StringContent(format), "format" } };
        var kept = await api.SendAsync("POST /api/v1/chem/artifacts", "/api/v1/chem/artifacts", 201, form);
        Assert.Equal(0, kept.Value["molecule_count"]!.GetValue<int>());
        return kept.Id;
    }

    /// <summary>Uploads a structure file as molecules (<c>POST /molecules</c>) and returns the artifact's id.</summary>
    public static async Task<string> UploadAsync(ContractClient api, string text, string fileName, string format)
    {
        var form = new MultipartFormDataContent { { new ByteArrayContent(Encoding.UTF8.GetBytes(text)), "file", fileName }, { new StringContent(format), "format" } };
        var upload = await api.SendAsync("POST /api/v1/chem/molecules", "/api/v1/chem/molecules", 201, form);
        return upload.Value["artifact"]!["id"]!.GetValue<string>();
    }

    /// <summary>Executes a task; <paramref name="cache"/> false asks for a run even when an identical execution could serve it.</summary>
    public static Task<ContractResponse> ExecuteAsync(ContractClient api, string task, object parameters, int expected = 202, bool cache = true) =>
        api.SendJsonAsync("POST /api/v1/chem/tasks/{task}/execute", $"/api/v1/chem/tasks/{task}/execute" + (cache ? "" : "?cache=false"), expected,
            JsonSerializer.Serialize(parameters));

    public static async Task<JsonNode> ExplainAsync(ContractClient api, string id) =>
        (await api.GetAsync("GET /api/v1/chem/executions/{id}/cache", $"/api/v1/chem/executions/{id}/cache")).Value;

    /// <summary>Polls the execution until it has ended, as a client would.</summary>
    public static async Task<JsonNode> WaitAsync(ContractClient api, string id, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var execution = (await api.GetAsync("GET /api/v1/chem/executions/{id}", $"/api/v1/chem/executions/{id}")).Value;
            if (execution["state"]!.GetValue<string>() is "succeeded" or "failed" or "cancelled") return execution;
            Assert.True(DateTime.UtcNow < deadline, $"the execution did not end in {timeout}: {execution.ToJsonString()}");
            await Task.Delay(250);
        }
    }

    public static List<double> Scores(JsonNode execution) => [.. execution["result"]!["poses"]!.AsArray().Select(p => p!["score"]!.GetValue<double>())];

    /// <summary>
    /// Heavy-atom RMSD of a pose against the crystal ligand, symmetry-naive, atoms matched by order. Vina keeps the atom
    /// order of the ligand PDBQT it was given, and that PDBQT is written by Open Babel from the crystal SDF with the
    /// same options the service uses, so the crystal coordinates in that order are this PDBQT's atoms.
    /// </summary>
    public static double HeavyAtomRmsd(string posesPdbqt, string crystalSdf)
    {
        var crystal = VinaOutput.Atoms(Obabel(crystalSdf, "sdf", "pdbqt", "-l", "1", "-h", "--partialcharge", "gasteiger"), heavyOnly: true);
        var pose = VinaOutput.Atoms(posesPdbqt, model: 1, heavyOnly: true);
        Assert.Equal(crystal.Count, pose.Count);
        var sum = crystal.Zip(pose).Sum(p => Square(p.First.X - p.Second.X) + Square(p.First.Y - p.Second.Y) + Square(p.First.Z - p.Second.Z));
        return Math.Sqrt(sum / crystal.Count);
    }

    private static double Square(double x) => x * x;

    private static string Obabel(string input, string from, string to, params string[] options)
    {
        var start = new ProcessStartInfo("obabel") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "-i" + from, "-o" + to }.Concat(options)) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        process.StandardInput.Write(input);
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEnd();
        process.StandardError.ReadToEnd();
        process.WaitForExit();
        return output;
    }

    public static async Task<string> DownloadAsync(TesseraAppFactory app, JsonNode execution, string extension)
    {
        var link = execution["artifacts"]!.AsArray().Single(a => a!["file_name"]!.GetValue<string>().EndsWith(extension, StringComparison.Ordinal))!;
        using var anonymous = app.CreateClient();
        return await anonymous.GetStringAsync(new Uri(link["url"]!.GetValue<string>(), UriKind.Relative));
    }
}
