using System.Text.Json.Nodes;
using Tessera.Chem.Executions;
using Tessera.Data;

namespace Tessera.Chem.OpenBabel;

/// <summary>
/// <c>obabel.gen3d</c>: 3-D coordinates for a SMILES (or a stored molecule) with <c>--gen3d</c>, hydrogens included,
/// written as SDF (default), MOL2, PDB or PDBQT. The speed is Open Babel's own option (<c>--fast</c>, …; med is its default).
/// </summary>
internal sealed class ObabelGen3dRunner(TesseraDatabase database, ObabelRunner obabel, ToolVersions tools, ChemSettings settings, ExecutionResults results)
    : MoleculeTaskRunner(database, obabel, tools, settings, results)
{
    public override string TaskName => "obabel.gen3d";

    protected override async Task<JsonObject> ComputeAsync(MoleculeInput molecule, JsonObject parameters, CancellationToken cancellationToken)
    {
        var to = parameters["output_format"]?.GetValue<string>() ?? "sdf";
        var speed = parameters["speed"]?.GetValue<string>() ?? "med";
        List<string> arguments = ["-ismi", "-o" + to, "--gen3d"];
        if (speed != "med") arguments.Add("--" + speed);
        var output = await ObabelAsync(arguments, molecule.Text, cancellationToken).ConfigureAwait(false);
        return new JsonObject { ["output"] = output, ["output_format"] = to };
    }
}
