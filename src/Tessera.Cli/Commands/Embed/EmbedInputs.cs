using System.Text.Json;
using Tessera.Core.Errors;
using Tessera.Inference.Sequences;

namespace Tessera.Cli.Commands.Embed;

/// <summary>Reads the inputs of <c>tessera embed</c>: FASTA records, text lines, a JSONL text field, or image files.</summary>
internal static class EmbedInputs
{
    private static readonly HashSet<string> ImageExtensions = new([".jpg", ".jpeg", ".png", ".webp", ".gif", ".bmp"], StringComparer.OrdinalIgnoreCase);

    public static EmbedInputFormat Resolve(string input, EmbedInputFormat format)
    {
        if (format != EmbedInputFormat.Auto) return format;
        if (Directory.Exists(input)) return EmbedInputFormat.Images;
        var extension = Path.GetExtension(input).ToLowerInvariant();
        if (extension == ".jsonl") return EmbedInputFormat.Jsonl;
        if (extension is ".fasta" or ".fa" or ".faa" or ".fas") return EmbedInputFormat.Fasta;
        if (!File.Exists(input)) throw TesseraException.Validation($"Input not found: {input}");
        using var reader = new StreamReader(input);
        int first;
        while ((first = reader.Read()) >= 0 && char.IsWhiteSpace((char)first))
        {
        }
        return first == '>' ? EmbedInputFormat.Fasta : EmbedInputFormat.Lines;
    }

    /// <summary>One text per row: FASTA sequences, every line of a text file, or a JSONL string field.</summary>
    public static IReadOnlyList<string> ReadTexts(string input, EmbedInputFormat format, string textField) => format switch
    {
        EmbedInputFormat.Fasta => [.. FastaReader.ReadFile(input).Select(r => r.Sequence)],
        EmbedInputFormat.Lines => ReadLines(input),
        EmbedInputFormat.Jsonl => ReadJsonl(input, textField),
        _ => throw TesseraException.Validation($"{input} holds images; choose an image model."),
    };

    /// <summary>The folder's image files (by extension), in ordinal name order: the rows of the output.</summary>
    public static IReadOnlyList<string> ImageFiles(string folder)
    {
        if (!Directory.Exists(folder)) throw TesseraException.Validation($"Image input must be a folder: {folder}");
        var files = Directory.EnumerateFiles(folder).Where(f => ImageExtensions.Contains(Path.GetExtension(f))).Order(StringComparer.Ordinal).ToList();
        if (files.Count == 0) throw TesseraException.Validation($"No image files ({string.Join(", ", ImageExtensions)}) in {folder}.");
        return files;
    }

    private static List<string> ReadLines(string input)
    {
        var lines = File.ReadAllLines(input).ToList();
        if (lines.Count == 0) throw TesseraException.Validation($"{input} has no lines to embed.");
        return lines;
    }

    private static List<string> ReadJsonl(string input, string textField)
    {
        var texts = new List<string>();
        var number = 0;
        foreach (var line in File.ReadLines(input))
        {
            number++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            try
            {
                using var document = JsonDocument.Parse(line);
                if (document.RootElement.ValueKind != JsonValueKind.Object
                    || !document.RootElement.TryGetProperty(textField, out var text) || text.ValueKind != JsonValueKind.String)
                    throw TesseraException.Validation($"{input} line {number}: no string field \"{textField}\".");
                texts.Add(text.GetString()!);
            }
            catch (JsonException e)
            {
                throw TesseraException.Validation($"{input} line {number}: not JSON ({e.Message}).");
            }
        }
        if (texts.Count == 0) throw TesseraException.Validation($"{input} has no records to embed.");
        return texts;
    }
}
