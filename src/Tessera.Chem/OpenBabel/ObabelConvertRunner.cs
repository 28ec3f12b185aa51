using System.Text.Json.Nodes;
using Tessera.Chem.Executions;
using Tessera.Data;

namespace Tessera.Chem.OpenBabel;

/// <summary>
/// <c>obabel.convert</c>: the molecule (in <c>input_format</c>, SMILES by default; a stored molecule as its SMILES)
/// written in <c>output_format</c>, with hydrogens made explicit on request (<c>-h</c>). Line formats (SMILES, InChI,
/// InChIKey) come without the trailing line break.
/// </summary>
internal sealed class ObabelConvertRunner(TesseraDatabase database, ObabelRunner obabel, ToolVersions tools, ChemSettings settings, ExecutionResults results)
    : MoleculeTaskRunner(database, obabel, tools, settings, results)
{
    public override string TaskName => "obabel.convert";

    private static readonly HashSet<string> LineFormats = ["smi", "can", "inchi", "inchikey"];

    protected override async Task<JsonObject> ComputeAsync(MoleculeInput molecule, JsonObject parameters, CancellationToken cancellationToken)
    {
        var from = molecule.FromStoredMolecule ? "smi" : parameters["input_format"]?.GetValue<string>() ?? "smi";
        var to = parameters["output_format"]!.GetValue<string>();
        List<string> arguments = ["-i" + from, "-o" + to];
        if (parameters["add_hydrogens"]?.GetValue<bool>() == true) arguments.Add("-h");
        if (LineFormats.Contains(to)) arguments.AddRange(["--title", ""]);
        var output = await ObabelAsync(arguments, molecule.Text, cancellationToken).ConfigureAwait(false);
        return new JsonObject { ["output"] = LineFormats.Contains(to) ? output.Trim() : output, ["output_format"] = to };
    }
}
