using System.Text.Json.Nodes;
using Tessera.Chem.Molecules;
using Tessera.Chem.OpenBabel;
using Tessera.Core.Errors;

namespace Tessera.Chem.Services;

/// <summary>
/// <c>obabel.descriptors</c> v1 for the C# task service: one obabel call on the SMILES gives the descriptors asked for
/// (all eight by default). Stored molecule ids need the server's database, so the service takes SMILES only.
/// </summary>
internal sealed class DescriptorsTask(MoleculeNormalizer normalizer)
{
    public const string Name = "obabel.descriptors";
    public const int Version = 1;

    private static readonly string[] All = ["MW", "logP", "TPSA", "HBD", "HBA1", "rotors", "formula", "InChIKey"];

    public async Task<JsonObject> RunAsync(JsonObject parameters, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var molecule = parameters["molecule"]?.GetValue<string>() ?? throw TesseraException.Validation("molecule is required.");
        if (Guid.TryParse(molecule, out _)) throw TesseraException.Validation("This service takes the molecule as SMILES; a stored molecule's id needs the server.");
        var wanted = parameters["descriptors"] is JsonArray list ? [.. list.Select(d => d!.GetValue<string>())] : All;
        var normalized = await normalizer.NormalizeAsync(new StructureRecord(1, null, molecule), "smi", cancellationToken).ConfigureAwait(false);
        var p = normalized.Properties
            ?? throw new TesseraException(ChemErrorCodes.ToolFailed, 422, $"Open Babel could not read the molecule: {normalized.Rejection?.Reason}");
        var descriptors = new JsonObject();
        foreach (var name in wanted)
        {
            descriptors[name] = name switch
            {
                "MW" => p.MolecularWeight, "logP" => p.LogP, "TPSA" => p.Tpsa, "HBD" => p.Hbd, "HBA1" => p.Hba, "rotors" => p.RotatableBonds,
                "formula" => p.Formula, "InChIKey" => p.InChIKey, _ => throw TesseraException.Validation($"Unknown descriptor {name}."),
            };
        }
        return new JsonObject { ["descriptors"] = descriptors };
    }

    public static DescriptorsTask Create() => new(new MoleculeNormalizer(new ObabelRunner(new ChemSettings())));
}
