using System.Globalization;
using System.Text.Json.Nodes;
using Tessera.Chem.Executions;
using Tessera.Data;

namespace Tessera.Chem.OpenBabel;

/// <summary><c>obabel.protonate</c>: the molecule's canonical SMILES protonated for a pH (<c>-p</c>, 7.4 by default).</summary>
internal sealed class ObabelProtonateRunner(TesseraDatabase database, ObabelRunner obabel, ToolVersions tools, ChemSettings settings, ExecutionResults results)
    : MoleculeTaskRunner(database, obabel, tools, settings, results)
{
    public override string TaskName => "obabel.protonate";

    public const double DefaultPh = 7.4;

    protected override async Task<JsonObject> ComputeAsync(MoleculeInput molecule, JsonObject parameters, CancellationToken cancellationToken)
    {
        var ph = parameters["ph"]?.GetValue<double>() ?? DefaultPh;
        var output = await ObabelAsync(["-ismi", "-ocan", "-p", ph.ToString(CultureInfo.InvariantCulture), "--title", ""], molecule.Text, cancellationToken).ConfigureAwait(false);
        var smiles = output.Split((char[])['\n', '\t', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[0];
        return new JsonObject { ["smiles"] = smiles, ["ph"] = ph };
    }
}
