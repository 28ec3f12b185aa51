using System.Diagnostics;
using Tessera.Chem.Docking;
using Tessera.Core.Errors;

namespace Tessera.Chem.Tests.Docking;

/// <summary>
/// The docking engine without the API: Vina's output read, the confidence worked out, the box around a reference,
/// a PDB receptor prepared with obabel -xr, a failing step named with the tool's words, and cancellation that kills
/// Vina and leaves no scratch folder behind.
/// </summary>
public class VinaDockingTests
{
    private const string TwoPoses =
        "MODEL 1\nREMARK VINA RESULT:   -13.234      0.000      0.000\nATOM      1  C   UNL     1      15.822  54.641  12.322  0.00  0.00    +0.038 A \n" +
        "ATOM      2  N   UNL     1      16.000  54.000  12.000  0.00  0.00    -0.300 NA\nATOM      3  H   UNL     1      16.500  54.500  12.500  0.00  0.00    +0.150 HD\nENDMDL\n" +
        "MODEL 2\nREMARK VINA RESULT:   -12.500      1.200      2.100\nATOM      1  C   UNL     1       1.000   2.000   3.000  0.00  0.00    +0.038 A \nENDMDL\n";

    private static VinaDocking Docking() => new(new ChemSettings());

    [Fact]
    public void Poses_and_heavy_atoms_are_read_from_vina_output()
    {
        var poses = VinaOutput.Poses(TwoPoses);
        Assert.Equal([new DockingPose(1, -13.234, 0, 0), new DockingPose(2, -12.5, 1.2, 2.1)], poses);
        Assert.Equal(2, VinaOutput.Atoms(TwoPoses, model: 1, heavyOnly: true).Count);
        Assert.Equal(3, VinaOutput.Atoms(TwoPoses, model: 1).Count);
        Assert.Equal((1.0, 2.0, 3.0), VinaOutput.Atoms(TwoPoses, model: 2).Single());
    }

    [Fact]
    public void Confidence_is_the_share_of_near_best_poses_in_the_best_binding_mode()
    {
        var agreeing = DockingConfidence.Of([new(1, -10, 0, 0), new(2, -9.5, 1.1, 2), new(3, -7, 5, 9)]);
        Assert.Equal(1, agreeing.Value);
        Assert.Equal(3, agreeing.ScoreGap);
        Assert.Equal(2, agreeing.PosesInWindow);
        var competing = DockingConfidence.Of([new(1, -10, 0, 0), new(2, -9.8, 6, 9), new(3, -9.5, 1, 2), new(4, -9.2, 7, 10)]);
        Assert.Equal(0.5, competing.Value);
        Assert.Equal(0.2, competing.ScoreGap!.Value, 6);
        Assert.Null(DockingConfidence.Of([new(1, -10, 0, 0)]).ScoreGap);
    }

    [Fact]
    public void The_box_around_a_reference_is_its_bounding_box_plus_padding()
    {
        var box = VinaDocking.Around([(0, 0, 0), (10, 4, -2), (2, 8, 2)], 4);
        Assert.Equal([5.0, 4, 0], box.Center);
        Assert.Equal([18.0, 16, 12], box.Size);
    }

    [Fact]
    public async Task A_pdb_receptor_is_prepared_with_obabel_and_docked()
    {
        var pdb = await File.ReadAllTextAsync(Path.Combine(DockingFixture.Folder, "1iep_receptorH.pdb"));
        var result = await Docking().DockAsync(new DockingRequest(
            new StructureText(pdb, "pdb"), new StructureText(DockingFixture.LigandSdf, "sdf"), null, new StructureText(DockingFixture.LigandSdf, "sdf"),
            4, 1, 2, 3, 1, 1), null, CancellationToken.None);
        Assert.InRange(result.BestScore, -20, -8);
        Assert.True(result.Poses.Count is >= 1 and <= 2);
        Assert.Contains("$$$$", result.PosesSdf, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failing_step_names_the_step_and_the_tool_words()
    {
        var error = await Assert.ThrowsAsync<TesseraException>(() => Docking().DockAsync(new DockingRequest(
            new StructureText("ATOM      1  CA  GLY A   1      garbage\n", "pdbqt"), new StructureText("CCO", "smi"),
            new DockingBox([0, 0, 0], [10, 10, 10]), null, 4, 1, 1, 3, 0, 1), null, CancellationToken.None));
        Assert.Equal(ChemErrorCodes.DockingFailed, error.Code);
        Assert.Contains("at vina", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancellation_kills_vina_and_removes_the_scratch_folder()
    {
        var scratch = Directory.CreateTempSubdirectory("tessera-dock-test-");
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(3));
        var clock = Stopwatch.StartNew();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => new VinaDocking(new ChemSettings { DockingScratchDir = scratch.FullName }).DockAsync(new DockingRequest(
            new StructureText(DockingFixture.ReceptorPdbqt, "pdbqt"), new StructureText(DockingFixture.LigandSdf, "sdf"),
            new DockingBox([15.19, 53.903, 16.917], [20, 20, 20]), null, 4, 64, 9, 3, 1, 1), null, cancel.Token));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"cancellation took {clock.Elapsed}");
        Assert.Empty(scratch.GetFileSystemInfos());
        scratch.Delete();
    }
}
