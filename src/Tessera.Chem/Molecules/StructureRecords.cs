using System.Text;
using Tessera.Core.Errors;

namespace Tessera.Chem.Molecules;

/// <summary>
/// Cuts an uploaded file into records, so each is normalised (and rejected) on its own: a SMILES line, a CSV row's
/// <c>smiles</c> cell, an SDF entry up to <c>$$$$</c>, a MOL2 entry from <c>@&lt;TRIPOS&gt;MOLECULE</c>; a PDB or PDBQT
/// file is one structure. More than <c>chem:max_records</c> records is refused whole.
/// </summary>
internal static class StructureRecords
{
    // The CSV column a record's title is taken from, the first of these the header has.
    private static readonly string[] TitleColumns = ["name", "title", "id"];

    public static async Task<IReadOnlyList<StructureRecord>> ReadAsync(Stream content, string format, int maxRecords, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(content, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, leaveOpen: true);
        var lines = new List<string>();
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line) lines.Add(line);
        var records = format switch
        {
            "smi" => Smiles(lines),
            "csv" => Csv(lines),
            "sdf" => Blocks(lines, l => l.Trim() == "$$$$", endsBlock: true, titleLine: 0),
            "mol2" => Blocks(lines, l => l.StartsWith("@<TRIPOS>MOLECULE", StringComparison.Ordinal), endsBlock: false, titleLine: 1),
            _ => [new StructureRecord(1, null, string.Join('\n', lines) + "\n")],
        };
        if (records.Count > maxRecords)
            throw new TesseraException(ChemErrorCodes.TooManyRecords, 413, $"The file has {records.Count} records; at most {maxRecords} (chem:max_records) are read from one upload.");
        return records;
    }

    private static List<StructureRecord> Smiles(List<string> lines)
    {
        var records = new List<StructureRecord>();
        foreach (var raw in lines)
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var space = line.IndexOfAny([' ', '\t']);
            var title = space < 0 ? null : line[(space + 1)..].Trim();
            records.Add(new StructureRecord(records.Count + 1, string.IsNullOrEmpty(title) ? null : title, (space < 0 ? line : line[..space]) + "\n"));
        }
        return records;
    }

    private static List<StructureRecord> Csv(List<string> lines)
    {
        var rows = lines.Where(l => l.Trim().Length > 0).Select(CsvLine.Split).ToList();
        if (rows.Count == 0) return [];
        var header = rows[0].Select(h => h.Trim().ToLowerInvariant()).ToList();
        var smiles = header.IndexOf("smiles");
        if (smiles < 0) throw TesseraException.Validation("The CSV file needs a header row with a 'smiles' column.");
        var title = TitleColumns.Select(h => header.IndexOf(h)).FirstOrDefault(i => i >= 0, -1);
        var records = new List<StructureRecord>();
        foreach (var row in rows.Skip(1))
        {
            var cell = smiles < row.Count ? row[smiles].Trim() : "";
            var name = title >= 0 && title < row.Count && row[title].Trim().Length > 0 ? row[title].Trim() : null;
            // A SMILES holds no spaces; anything after one would be read as a title, so it is cut off as obabel would.
            records.Add(new StructureRecord(records.Count + 1, name, cell.Split(' ')[0] + "\n"));
        }
        return records;
    }

    private static List<StructureRecord> Blocks(List<string> lines, Func<string, bool> boundary, bool endsBlock, int titleLine)
    {
        var records = new List<StructureRecord>();
        var block = new List<string>();
        void Flush()
        {
            if (block.Any(l => l.Trim().Length > 0))
            {
                var title = titleLine < block.Count ? block[titleLine].Trim() : "";
                records.Add(new StructureRecord(records.Count + 1, title.Length == 0 ? null : title, string.Join('\n', block) + "\n"));
            }
            block.Clear();
        }
        foreach (var line in lines)
        {
            if (!endsBlock && boundary(line)) Flush();
            block.Add(line);
            if (endsBlock && boundary(line)) Flush();
        }
        Flush();
        return records;
    }
}
