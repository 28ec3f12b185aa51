using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Chem.Api;
using Tessera.Chem.Molecules;
using Tessera.Core.Errors;
using Tessera.Platform.Modules;

namespace Tessera.Chem.Cli;

/// <summary><c>tessera chem molecules import FILE</c>: the upload's path without a server (same parsing, storage and report).</summary>
internal static class MoleculeCommands
{
    public static Command Create(IModuleCommandHost host)
    {
        var molecules = new Command("molecules", "Import structure files as molecules.");
        molecules.Subcommands.Add(Import(host));
        return molecules;
    }

    private static Command Import(IModuleCommandHost host)
    {
        var file = new Argument<string>("file") { Description = "SMILES (one a line), CSV with a smiles column, SDF, MOL2, PDB or PDBQT." };
        var format = new Option<string?>("--format") { Description = "smi, csv, sdf, mol2, pdb or pdbqt (default: from the extension)." };
        var json = new Option<bool>("--json") { Description = "Print the report as one JSON object (artifact, molecules, rejected)." };
        var owner = new ModuleCliOwner("chem");
        var command = new Command("import", "Normalise a structure file with Open Babel and store its valid molecules; rejected records are reported.");
        command.Arguments.Add(file);
        command.Options.Add(format);
        command.Options.Add(json);
        owner.AddTo(command);
        host.AddDataOptions(command);
        command.SetAction(async (parse, ct) =>
        {
            var path = parse.GetValue(file)!;
            if (!File.Exists(path)) throw TesseraException.Validation($"{path} does not exist.");
            await using var services = await host.OpenAsync(parse, ct).ConfigureAwait(false);
            var principal = await owner.ResolveAsync(parse, services, ct).ConfigureAwait(false);
            MoleculeImportService.Imported imported;
            await using (var content = File.OpenRead(path))
                imported = await services.GetRequiredService<MoleculeImportService>().ImportAsync(principal, content, path, parse.GetValue(format), ct).ConfigureAwait(false);
            if (parse.GetValue(json))
            {
                ChemCliJson.Print(new ChemUploadResponse(ChemArtifact.From(imported.Artifact), [.. imported.Molecules.Select(ChemMolecule.From)],
                    [.. imported.Rejected.Select(ChemRejectedRecord.From)]));
                return 0;
            }
            Console.WriteLine($"artifact {imported.Artifact.Id}: {imported.Molecules.Count} molecule(s) stored, {imported.Rejected.Count} rejected");
            foreach (var m in imported.Molecules) Console.WriteLine($"{m.Record}\t{m.InChIKey}\t{m.CanonicalSmiles}\t{m.Formula}\t{m.MolecularWeight}");
            foreach (var r in imported.Rejected) Console.Error.WriteLine($"record {r.Record} rejected ({r.Code}): {r.Reason}");
            return 0;
        });
        return command;
    }
}
