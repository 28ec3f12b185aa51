using System.Diagnostics;
using Tessera.Chem.Tests.Api;
using Tessera.Testing;
using Xunit.Abstractions;

namespace Tessera.Chem.Tests.Docking;

/// <summary>
/// Docking as a task through the API, with real Open Babel and AutoDock Vina: imatinib redocked into 1iep lands on the
/// crystal pose with a score in the band Vina's users report; the same inputs and seed give the same scores; invalid
/// parameters are a 422 naming each path; another organization's execution is missing; an unreadable receptor fails
/// the execution with the tool's words.
/// </summary>
public class DockingApiTests(ITestOutputHelper output)
{
    /// <summary>
    /// The full redock runs once (on SQLite): docking itself does not touch the database, and at exhaustiveness 8 it
    /// takes about a minute and a half on one busy core. The database paths are covered per dialect below.
    /// </summary>
    [Fact]
    public async Task Imatinib_redocked_into_1iep_scores_in_band_and_lands_within_2_angstrom_of_the_crystal_pose()
    {
        await using var app = await TesseraAppFactory.CreateAsync("sqlite");
        var (api, _) = await ChemApiTests.SignInAsync(app, "docker@example.org", "lab", "member");
        var receptor = await DockingFixture.KeepAsync(api, DockingFixture.ReceptorPdbqt, "1iep_receptor.pdbqt", "pdbqt");
        var ligand = await DockingFixture.UploadAsync(api, DockingFixture.LigandSdf, "1iep_ligand.sdf", "sdf");

        var clock = Stopwatch.StartNew();
        var accepted = await DockingFixture.ExecuteAsync(api, "vina.dock", new { receptor, ligand, box = DockingFixture.Box(), exhaustiveness = 8, seed = 42 });
        Assert.Equal("vina.dock", accepted.Value["task"]!["name"]!.GetValue<string>());
        Assert.Equal(2, accepted.Value["task"]!["version"]!.GetValue<int>());
        var execution = await DockingFixture.WaitAsync(api, accepted.Id, TimeSpan.FromMinutes(10));
        clock.Stop();
        Assert.True(execution["state"]!.GetValue<string>() == "succeeded", execution.ToJsonString());

        var best = execution["result"]!["best_score"]!.GetValue<double>();
        Assert.InRange(best, -14.7, -12.0);
        Assert.Equal(best, DockingFixture.Scores(execution)[0]);
        var pdbqt = await DockingFixture.DownloadAsync(app, execution, ".pdbqt");
        var sdf = await DockingFixture.DownloadAsync(app, execution, ".sdf");
        Assert.Contains("$$$$", sdf, StringComparison.Ordinal);
        var rmsd = DockingFixture.HeavyAtomRmsd(pdbqt, DockingFixture.LigandSdf);
        Assert.InRange(rmsd, 0, 2.0);
        var confidence = execution["result"]!["confidence"]!["value"]!.GetValue<double>();
        Assert.InRange(confidence, 0, 1);
        output.WriteLine($"1iep redock: best {best} kcal/mol, top-pose heavy-atom RMSD {rmsd:0.00} Å, confidence {confidence}, " +
            $"vina {execution["result"]!["vina_seconds"]} s, execution {clock.Elapsed.TotalSeconds:0} s");
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task Executions_validate_repeat_with_a_seed_fail_clearly_and_stay_in_their_organization(string dialect)
    {
        await using var app = await TesseraAppFactory.CreateAsync(dialect);
        var (api, _) = await ChemApiTests.SignInAsync(app, "docker@example.org", "lab", "member");
        var (other, _) = await ChemApiTests.SignInAsync(app, "rival@example.org", "rival", "owner");
        var receptor = await DockingFixture.KeepAsync(api, DockingFixture.ReceptorPdbqt, "1iep_receptor.pdbqt", "pdbqt");
        var ligand = await DockingFixture.UploadAsync(api, DockingFixture.LigandSdf, "1iep_ligand.sdf", "sdf");

        // Checked against the stored schema before anything runs: each error with its path.
        var refused = await DockingFixture.ExecuteAsync(api, "vina.dock", new { receptor, ligand, exhaustiveness = 100, seed = -1 }, 422);
        Assert.Equal(ChemErrorCodes.ParametersInvalid, refused.Value["code"]!.GetValue<string>());
        var errors = refused.Value["errors"]!.AsArray().Select(e => (e!["instance_path"]!.GetValue<string>(), e!["keyword"]!.GetValue<string>())).ToList();
        Assert.Contains(("/exhaustiveness", "maximum"), errors);
        Assert.Contains(("/seed", "minimum"), errors);
        Assert.Contains(errors, e => e.Item1 == "" && e.Item2 == "oneOf");
        await DockingFixture.ExecuteAsync(api, "no.such.task", new { }, 404);

        // The same inputs and seed, twice: the same poses and scores. A quick search (exhaustiveness 1) is enough for that;
        // the box comes from the reference ligand here (its bounding box plus padding). Both run (the cache bypassed).
        var parameters = new { receptor, ligand, reference_ligand = ligand, padding = 6, exhaustiveness = 1, num_modes = 3, seed = 7 };
        var first = await DockingFixture.ExecuteAsync(api, "vina.dock", parameters, cache: false);
        var second = await DockingFixture.ExecuteAsync(api, "vina.dock", parameters, cache: false);
        Assert.NotEqual(first.Id, second.Id);
        var a = await DockingFixture.WaitAsync(api, first.Id, TimeSpan.FromMinutes(5));
        var b = await DockingFixture.WaitAsync(api, second.Id, TimeSpan.FromMinutes(5));
        Assert.True(a["state"]!.GetValue<string>() == "succeeded", a.ToJsonString());
        Assert.True(b["state"]!.GetValue<string>() == "succeeded", b.ToJsonString());
        Assert.Equal(DockingFixture.Scores(a), DockingFixture.Scores(b));
        Assert.Equal(await DockingFixture.DownloadAsync(app, a, ".pdbqt"), await DockingFixture.DownloadAsync(app, b, ".pdbqt"));
        Assert.Equal(2, a["artifacts"]!.AsArray().Count);
        Assert.Equal(6.0 * 2, a["result"]!["box"]!["size"]![0]!.GetValue<double>() - Extent(DockingFixture.LigandSdf), 2);

        // Another organization's execution is missing, exactly like one that does not exist.
        await other.GetAsync("GET /api/v1/chem/executions/{id}", $"/api/v1/chem/executions/{first.Id}", 404);
        await api.GetAsync("GET /api/v1/chem/executions/{id}", $"/api/v1/chem/executions/{Guid.CreateVersion7()}", 404);

        // A receptor Vina cannot read (a PDB without AutoDock types, stored as PDBQT): the execution fails with the tool's words.
        var broken = await DockingFixture.KeepAsync(api, "HEADER    NOT A RECEPTOR\nATOM      1  CA  GLY A   1      garbage\nEND\n", "broken.pdbqt", "pdbqt");
        var failing = await DockingFixture.ExecuteAsync(api, "vina.dock", new { receptor = broken, ligand = "CCO", box = DockingFixture.Box(), exhaustiveness = 1 });
        var failed = await DockingFixture.WaitAsync(api, failing.Id, TimeSpan.FromMinutes(2));
        Assert.Equal("failed", failed["state"]!.GetValue<string>());
        Assert.Equal(ChemErrorCodes.DockingFailed, failed["error"]!["code"]!.GetValue<string>());
        Assert.Contains("vina", failed["error"]!["message"]!.GetValue<string>(), StringComparison.OrdinalIgnoreCase);
        Assert.Null(failed["result"]);
        Assert.Equal(1, failed["attempts"]!.GetValue<int>());
    }

    /// <summary>The SDF's extent along x (its atom block's first column), to check the box grew by the padding.</summary>
    private static double Extent(string sdf)
    {
        var lines = sdf.Split('\n');
        var count = int.Parse(lines[3][..3], System.Globalization.CultureInfo.InvariantCulture);
        var xs = lines.Skip(4).Take(count).Select(l => double.Parse(l[..10], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        return xs.Max() - xs.Min();
    }
}
