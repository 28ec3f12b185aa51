using System.Text.Json.Nodes;
using Tessera.Chem.Executions;
using Tessera.Chem.Services;
using Tessera.Data;

namespace Tessera.Chem.OpenBabel;

/// <summary>
/// <c>obabel.descriptors</c> in the workers: the task service's <see cref="DescriptorsTask"/> on the molecule's SMILES
/// (a stored molecule's own). A live task service of the organization that runs the task still takes it first.
/// </summary>
internal sealed class ObabelDescriptorsRunner(
    DescriptorsTask descriptors, TesseraDatabase database, ObabelRunner obabel, ToolVersions tools, ChemSettings settings, ExecutionResults results)
    : MoleculeTaskRunner(database, obabel, tools, settings, results)
{
    public override string TaskName => DescriptorsTask.Name;

    protected override Task<JsonObject> ComputeAsync(MoleculeInput molecule, JsonObject parameters, CancellationToken cancellationToken)
    {
        var asSmiles = (JsonObject)parameters.DeepClone();
        asSmiles["molecule"] = molecule.Text;
        return descriptors.RunAsync(asSmiles, cancellationToken);
    }
}
