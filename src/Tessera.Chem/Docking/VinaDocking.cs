using System.Globalization;
using Tessera.Core.Errors;
using Tessera.Platform.Tools;

namespace Tessera.Chem.Docking;

/// <summary>
/// Docks one ligand with AutoDock Vina in a scratch folder that is removed afterwards:
/// the receptor PDB becomes a rigid PDBQT (<c>obabel -xr</c>); the ligand gets 3-D coordinates when it is SMILES
/// (<c>--gen3d</c>), hydrogens (<c>-h</c>) and Gasteiger charges, as PDBQT; the box is given or is the reference
/// ligand's bounding box plus padding; <c>vina</c> runs with the seed (and one CPU unless asked), and its poses are
/// read from the output PDBQT and converted to SDF. A step that fails is a 422 <c>CHEM_DOCKING_FAILED</c> naming the
/// step with the tool's own words. An observer, when given, is told of each tool run (the execution's events and logs).
/// </summary>
internal sealed class VinaDocking(ChemSettings settings)
{
    private const int MaxErrorChars = 1500;

    public async Task<DockingResult> DockAsync(DockingRequest request, IToolObserver? observer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var root = string.IsNullOrWhiteSpace(settings.DockingScratchDir) ? Path.GetTempPath() : settings.DockingScratchDir;
        var folder = Path.Combine(root, "tessera-dock-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            var receptor = await PrepareReceptorAsync(request.Receptor, folder, observer, cancellationToken).ConfigureAwait(false);
            var ligand = await PrepareLigandAsync(request.Ligand, folder, observer, cancellationToken).ConfigureAwait(false);
            var box = request.Box ?? await BoxAroundAsync(request.ReferenceLigand!, request.Padding, folder, observer, cancellationToken).ConfigureAwait(false);
            var vina = await RunAsync("vina", "vina", settings.VinaPath, "chem:vina_path", VinaArguments(receptor, ligand, box, request), folder,
                TimeSpan.FromSeconds(settings.VinaTimeoutSeconds), observer, cancellationToken).ConfigureAwait(false);
            Require(vina, "vina", "Vina", "poses.pdbqt", folder);
            var pdbqt = await File.ReadAllTextAsync(Path.Combine(folder, "poses.pdbqt"), cancellationToken).ConfigureAwait(false);
            var poses = VinaOutput.Poses(pdbqt);
            if (poses.Count == 0) throw Failed("vina", "Vina wrote no poses.", vina.Stdout + vina.Stderr);
            var sdf = await ConvertAsync("poses.pdbqt", "pdbqt", "poses.sdf", "sdf", [], folder, "pose conversion", observer, cancellationToken).ConfigureAwait(false);
            return new DockingResult(poses, DockingConfidence.Of(poses), box, pdbqt, sdf, vina.Elapsed);
        }
        finally
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
                // A killed tool can hold a file for a moment; the temp folder is the operating system's to clean then.
            }
        }
    }

    private async Task<string> PrepareReceptorAsync(StructureText receptor, string folder, IToolObserver? observer, CancellationToken cancellationToken)
    {
        if (receptor.Format == "pdbqt")
        {
            await Write(folder, "receptor.pdbqt", receptor.Text, cancellationToken).ConfigureAwait(false);
            return "receptor.pdbqt";
        }
        if (receptor.Format != "pdb") throw Invalid($"The receptor must be PDB or PDBQT, not {receptor.Format}.");
        await Write(folder, "receptor.pdb", receptor.Text, cancellationToken).ConfigureAwait(false);
        // -xr: a rigid receptor (no torsion tree, no ROOT/BRANCH records), which is what vina --receptor reads.
        await ConvertAsync("receptor.pdb", "pdb", "receptor.pdbqt", "pdbqt", ["-xr"], folder, "receptor preparation", observer, cancellationToken).ConfigureAwait(false);
        return "receptor.pdbqt";
    }

    private async Task<string> PrepareLigandAsync(StructureText ligand, string folder, IToolObserver? observer, CancellationToken cancellationToken)
    {
        if (ligand.Format is not ("smi" or "sdf" or "mol2" or "pdb" or "pdbqt")) throw Invalid($"The ligand must be SMILES, SDF, MOL2, PDB or PDBQT, not {ligand.Format}.");
        var input = "ligand_in." + ligand.Format;
        await Write(folder, input, ligand.Format == "smi" ? ligand.Text.Trim() + "\n" : ligand.Text, cancellationToken).ConfigureAwait(false);
        // The first structure only (-l 1); SMILES has no coordinates, so it gets 3-D ones first.
        List<string> options = ["-l", "1", "-h", "--partialcharge", "gasteiger"];
        if (ligand.Format == "smi") options.Add("--gen3d");
        await ConvertAsync(input, ligand.Format, "ligand.pdbqt", "pdbqt", options, folder, "ligand preparation", observer, cancellationToken).ConfigureAwait(false);
        return "ligand.pdbqt";
    }

    /// <summary>The reference ligand's bounding box, <paramref name="padding"/> Å wider on every side.</summary>
    private async Task<DockingBox> BoxAroundAsync(StructureText reference, double padding, string folder, IToolObserver? observer, CancellationToken cancellationToken)
    {
        await Write(folder, "reference." + reference.Format, reference.Text, cancellationToken).ConfigureAwait(false);
        var xyz = await ConvertAsync("reference." + reference.Format, reference.Format, "reference.xyz", "xyz", ["-l", "1"], folder, "reference ligand", observer, cancellationToken)
            .ConfigureAwait(false);
        var atoms = VinaOutput.XyzAtoms(xyz);
        if (atoms.Count == 0) throw Invalid("The reference ligand has no atoms with coordinates.");
        return Around(atoms, padding);
    }

    public static DockingBox Around(IReadOnlyList<(double X, double Y, double Z)> atoms, double padding)
    {
        ArgumentNullException.ThrowIfNull(atoms);
        double[] min = [atoms.Min(a => a.X), atoms.Min(a => a.Y), atoms.Min(a => a.Z)];
        double[] max = [atoms.Max(a => a.X), atoms.Max(a => a.Y), atoms.Max(a => a.Z)];
        return new DockingBox(
            [.. Enumerable.Range(0, 3).Select(i => Math.Round((min[i] + max[i]) / 2, 3))],
            [.. Enumerable.Range(0, 3).Select(i => Math.Round(max[i] - min[i] + 2 * padding, 3))]);
    }

    private static List<string> VinaArguments(string receptor, string ligand, DockingBox box, DockingRequest request)
    {
        List<string> arguments = ["--receptor", receptor, "--ligand", ligand];
        string[] axes = ["x", "y", "z"];
        for (var i = 0; i < 3; i++) arguments.AddRange(["--center_" + axes[i], Number(box.Center[i])]);
        for (var i = 0; i < 3; i++) arguments.AddRange(["--size_" + axes[i], Number(box.Size[i])]);
        arguments.AddRange([
            "--exhaustiveness", Number(request.Exhaustiveness), "--num_modes", Number(request.NumModes), "--energy_range", Number(request.EnergyRange),
            "--seed", Number(request.Seed), "--cpu", Number(request.Cpu), "--verbosity", "1", "--out", "poses.pdbqt",
        ]);
        return arguments;
    }

    private async Task<string> ConvertAsync(
        string input, string inputFormat, string output, string outputFormat, IReadOnlyList<string> options, string folder, string step, IToolObserver? observer,
        CancellationToken cancellationToken)
    {
        List<string> arguments = ["-i" + inputFormat, input, "-o" + outputFormat, "-O", output, .. options];
        var outcome = await RunAsync(step, "obabel", settings.ObabelPath, "chem:obabel_path", arguments, folder, TimeSpan.FromSeconds(settings.DockingPrepTimeoutSeconds),
            observer, cancellationToken).ConfigureAwait(false);
        // obabel exits 0 even when it converted nothing ("0 molecules converted"), so the output file decides.
        Require(outcome, step, "Open Babel", output, folder);
        return await File.ReadAllTextAsync(Path.Combine(folder, output), cancellationToken).ConfigureAwait(false);
    }

    private static async Task<ToolRunner.Outcome> RunAsync(
        string step, string tool, string path, string setting, IReadOnlyList<string> arguments, string folder, TimeSpan timeout, IToolObserver? observer,
        CancellationToken cancellationToken)
    {
        if (observer is not null) await observer.StartedAsync(step, tool, cancellationToken).ConfigureAwait(false);
        var outcome = await ToolRunner.RunAsync(path, setting, ChemErrorCodes.ToolFailed, arguments, folder, timeout, cancellationToken).ConfigureAwait(false);
        if (observer is not null) await observer.FinishedAsync(step, tool, outcome, cancellationToken).ConfigureAwait(false);
        return outcome;
    }

    private static void Require(ToolRunner.Outcome outcome, string step, string tool, string output, string folder)
    {
        if (outcome.TimedOut) throw Failed(step, $"{tool} did not finish in time ({outcome.Elapsed.TotalSeconds:0} s).", outcome.Stderr);
        var file = new FileInfo(Path.Combine(folder, output));
        if (outcome.ExitCode != 0 || !file.Exists || file.Length == 0)
            throw Failed(step, $"{tool} failed (exit code {outcome.ExitCode}).", outcome.Stderr.Length > 0 ? outcome.Stderr : outcome.Stdout);
    }

    private static TesseraException Failed(string step, string what, string said)
    {
        var words = string.Join(" ", said.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(l => !l.StartsWith("===", StringComparison.Ordinal) && !l.StartsWith("***", StringComparison.Ordinal)));
        if (words.Length > MaxErrorChars) words = words[..MaxErrorChars] + "…";
        var error = new TesseraException(ChemErrorCodes.DockingFailed, 422, $"Docking failed at {step}: {what} {words}".Trim());
        error.Extensions["step"] = step;
        return error;
    }

    private static TesseraException Invalid(string message) => new(ChemErrorCodes.DockingFailed, 422, message);

    private static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static async Task Write(string folder, string name, string text, CancellationToken cancellationToken) =>
        await File.WriteAllTextAsync(Path.Combine(folder, name), text, cancellationToken).ConfigureAwait(false);
}
