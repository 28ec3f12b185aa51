using System.Globalization;
using Tessera.Chem.Molecules;

namespace Tessera.Chem.OpenBabel;

/// <summary>
/// One structure record → its normalised form through one obabel call: canonical SMILES, then (after a tab) the
/// descriptors asked for with <c>--append</c>, space-separated in <see cref="Descriptors"/> order. The title is blanked
/// (<c>--title ""</c>) so a title with spaces cannot shift the columns; the splitter keeps the title itself.
/// </summary>
internal sealed class MoleculeNormalizer(ObabelRunner obabel)
{
    private const string Descriptors = "formula MW logP TPSA HBD HBA1 rotors InChIKey";
    private const int DescriptorCount = 8;

    public async Task<NormalizedRecord> NormalizeAsync(StructureRecord record, string inputFormat, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        var outcome = await obabel.RunAsync(["-i" + inputFormat, "-ocan", "--title", "", "--append", Descriptors], record.Text, cancellationToken).ConfigureAwait(false);
        if (outcome.TimedOut) return Rejected(record, ChemErrorCodes.RecordTimedOut, "Open Babel did not finish reading this record in time.");
        var line = outcome.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
        if (line is null) return Rejected(record, ChemErrorCodes.RecordUnreadable, ObabelMessages.Reason(outcome.Stderr));
        var tab = line.IndexOf('\t', StringComparison.Ordinal);
        var smiles = tab < 0 ? line : line[..tab];
        var values = tab < 0 ? [] : line[(tab + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        // An empty structure reads as "converted" with no atoms: no SMILES, and no InChIKey among the descriptors.
        if (smiles.Length == 0 || values.Length != DescriptorCount) return Rejected(record, ChemErrorCodes.RecordEmpty, "The record has no atoms Open Babel could read.");
        return new NormalizedRecord(record.Index, record.Title, new MoleculeProperties(
            smiles, values[7], values[0], Number(values[1]), Number(values[2]), Number(values[3]), (int)Number(values[4]), (int)Number(values[5]), (int)Number(values[6])), null);
    }

    private static double Number(string text) => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);

    private static NormalizedRecord Rejected(StructureRecord record, string code, string reason) =>
        new(record.Index, record.Title, null, new RejectedRecord(record.Index, record.Title, code, reason));
}
