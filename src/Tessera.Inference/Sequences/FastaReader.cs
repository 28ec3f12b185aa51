using Tessera.Core.Errors;

namespace Tessera.Inference.Sequences;

/// <summary>
/// A small, lenient FASTA reader for the embed command: '>' starts a record, following lines are
/// joined with surrounding whitespace trimmed, ';' comment lines and blank lines are skipped.
/// Residue characters are kept as written (the tokenizer decides what they mean). Text before
/// the first header, or a header with no sequence, is an error.
/// </summary>
public static class FastaReader
{
    public static IReadOnlyList<FastaRecord> ReadFile(string path)
    {
        if (!File.Exists(path)) throw TesseraException.Validation($"FASTA file not found: {path}");
        try
        {
            using var reader = new StreamReader(path);
            return Read(reader, path);
        }
        catch (IOException e)
        {
            throw TesseraException.Validation($"Cannot read FASTA file {path}: {e.Message}");
        }
        catch (UnauthorizedAccessException e)
        {
            throw TesseraException.Validation($"Cannot read FASTA file {path}: {e.Message}");
        }
    }

    public static IReadOnlyList<FastaRecord> Read(TextReader reader, string source = "input")
    {
        var records = new List<FastaRecord>();
        string? header = null;
        var sequence = new System.Text.StringBuilder();
        var lineNumber = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            var text = line.Trim();
            if (text.Length == 0 || text[0] == ';') continue;
            if (text[0] == '>')
            {
                if (header is not null) records.Add(Finish(header, sequence, source));
                header = text[1..].Trim();
                sequence.Clear();
                continue;
            }
            if (header is null) throw TesseraException.Validation($"{source} is not FASTA: line {lineNumber} comes before the first '>' header.");
            sequence.Append(text);
        }
        if (header is not null) records.Add(Finish(header, sequence, source));
        if (records.Count == 0) throw TesseraException.Validation($"{source} holds no FASTA records.");
        return records;
    }

    private static FastaRecord Finish(string header, System.Text.StringBuilder sequence, string source)
    {
        var split = header.IndexOfAny([' ', '\t']);
        var id = split < 0 ? header : header[..split];
        var description = split < 0 ? "" : header[(split + 1)..].Trim();
        if (sequence.Length == 0) throw TesseraException.Validation($"FASTA record '{id}' in {source} has no sequence.");
        return new FastaRecord(id, description, sequence.ToString());
    }
}
