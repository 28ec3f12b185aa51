using Tessera.Core.Errors;

namespace Tessera.Chem.Molecules;

/// <summary>The upload formats, named by file extension or explicitly, and the Open Babel input format each record is read as.</summary>
internal static class StructureFormats
{
    public static IReadOnlyList<string> Names { get; } = ["smi", "csv", "sdf", "mol2", "pdb", "pdbqt"];

    /// <summary>The explicit format if given, otherwise the one the file name's extension says; neither is a 400 naming the choices.</summary>
    public static string Resolve(string? format, string fileName)
    {
        var name = string.IsNullOrWhiteSpace(format) ? FromExtension(Path.GetExtension(fileName)) : format.Trim().ToLowerInvariant();
        if (name is null || !Names.Contains(name))
            throw new TesseraException(ChemErrorCodes.UnknownFormat, 400,
                $"Cannot tell the structure format of '{fileName}': name a format ({string.Join(", ", Names)}) or use a matching file extension.");
        return name;
    }

    /// <summary>What obabel's <c>-i</c> reads a record as: a CSV's SMILES column is plain SMILES.</summary>
    public static string ObabelInput(string format) => format == "csv" ? "smi" : format;

    private static string? FromExtension(string extension) => extension.ToLowerInvariant() switch
    {
        ".smi" or ".smiles" or ".txt" => "smi",
        ".csv" => "csv",
        ".sdf" or ".sd" or ".mol" => "sdf",
        ".mol2" => "mol2",
        ".pdb" or ".ent" => "pdb",
        ".pdbqt" => "pdbqt",
        _ => null,
    };
}
