using System.Text;
using Tessera.Core.Errors;
using Tessera.Omics.Chemistry;

namespace Tessera.Omics.Parsing;

/// <summary>
/// Parses and validates an uploaded peptide file — FASTA, or CSV/TSV with a <c>sequence</c> column (optional
/// <c>id</c>/<c>name</c>; other columns kept as metadata). Sequences are stripped of whitespace and upper-cased;
/// bad records are reported with their record and line numbers and left out. Problems with the file as a whole
/// (not text, no recognisable format, a limit exceeded) throw a 4xx error naming what is wrong.
/// </summary>
internal static class PeptideFileParser
{
    public static async Task<ParseResult> ParseAsync(Stream content, ParseLimits limits, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(limits);
        using var reader = new BoundedLineReader(content, limits.MaxLineLength);
        string? first;
        do
        {
            first = await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false);
        }
        while (first is not null && first.Trim().Length == 0);
        if (first is null) throw new TesseraException(ErrorCodes.ValidationFailed, 422, "The file is empty.");

        var collector = new RecordCollector(limits);
        PeptideFileFormat format;
        if (first.StartsWith('>'))
        {
            format = PeptideFileFormat.Fasta;
            await ReadFastaAsync(reader, first, collector, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            var delimiter = first.Contains('\t', StringComparison.Ordinal) ? '\t' : ',';
            format = delimiter == '\t' ? PeptideFileFormat.Tsv : PeptideFileFormat.Csv;
            var header = DelimitedLine.Split(first, delimiter).Select(h => h.ToLowerInvariant()).ToList();
            if (!header.Contains("sequence"))
            {
                throw new TesseraException(ErrorCodes.ValidationFailed, 422, header.Count > 1
                    ? $"The {format.ToString().ToUpperInvariant()} header has no 'sequence' column (columns: {string.Join(", ", header)})."
                    : "The file is neither FASTA (its first line is not a '>' header) nor CSV/TSV with a 'sequence' column.");
            }
            await ReadDelimitedAsync(reader, header, delimiter, collector, cancellationToken).ConfigureAwait(false);
        }
        return collector.Result(format);
    }

    private static async Task ReadFastaAsync(BoundedLineReader reader, string firstHeader, RecordCollector collector, CancellationToken cancellationToken)
    {
        var header = firstHeader;
        var headerLine = reader.LineNumber;
        var sequence = new StringBuilder();
        string? line;
        while ((line = await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false)) is not null)
        {
            if (line.StartsWith('>'))
            {
                collector.Add(headerLine, FastaId(header), sequence.ToString(), EmptyMetadata);
                header = line;
                headerLine = reader.LineNumber;
                sequence.Clear();
            }
            else
            {
                sequence.Append(line);
                if (sequence.Length > collector.Limits.MaxSequenceLength * 2L + 1024)
                    throw OmicsLimits.Exceeded(ParseLimits.MaxSequenceLengthSetting, collector.Limits.MaxSequenceLength, $"The record at line {headerLine} is too long");
            }
        }
        collector.Add(headerLine, FastaId(header), sequence.ToString(), EmptyMetadata);
    }

    private static async Task ReadDelimitedAsync(BoundedLineReader reader, List<string> header, char delimiter, RecordCollector collector, CancellationToken cancellationToken)
    {
        var sequenceColumn = header.IndexOf("sequence");
        var idColumn = header.IndexOf("id") is >= 0 and var i ? i : header.IndexOf("name");
        string? line;
        while ((line = await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false)) is not null)
        {
            if (line.Trim().Length == 0) continue;
            var fields = DelimitedLine.Split(line, delimiter);
            if (fields.Count != header.Count)
            {
                collector.Reject(reader.LineNumber, OmicsErrorCodes.WrongFieldCount, $"has {fields.Count} fields but the header has {header.Count}");
                continue;
            }
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var c = 0; c < header.Count; c++)
            {
                if (c != sequenceColumn && c != idColumn) metadata[header[c]] = fields[c];
            }
            collector.Add(reader.LineNumber, idColumn >= 0 ? fields[idColumn] : null, fields[sequenceColumn], metadata);
        }
    }

    private static string FastaId(string header)
    {
        var text = header[1..].Trim();
        var space = text.IndexOfAny([' ', '\t']);
        return space < 0 ? text : text[..space];
    }

    private static readonly IReadOnlyDictionary<string, string> EmptyMetadata = new Dictionary<string, string>();

    /// <summary>Validates records as they come, keeping valid ones and the first errors.</summary>
    private sealed class RecordCollector(ParseLimits limits)
    {
        private readonly List<PeptideRecord> _records = [];
        private readonly List<RecordError> _errors = [];
        private readonly HashSet<string> _ids = new(StringComparer.Ordinal);

        // Records repeating a sequence share one string: a 60 MB file of repeats otherwise holds every copy until stored.
        private readonly HashSet<string> _sequences = new(StringComparer.Ordinal);
        private int _errorCount;
        private int _recordNumber;

        public ParseLimits Limits => limits;

        public void Add(int line, string? id, string raw, IReadOnlyDictionary<string, string> metadata)
        {
            var number = ++_recordNumber;
            if (number > limits.MaxRecords)
                throw OmicsLimits.Exceeded(ParseLimits.MaxRecordsSetting, limits.MaxRecords, $"The file has more than {limits.MaxRecords} records");

            id = string.IsNullOrWhiteSpace(id) ? $"record_{number}" : id.Trim();
            var sequence = PeptideResidues.Clean(raw);
            if (sequence.Length == 0)
            {
                Error(number, line, OmicsErrorCodes.EmptySequence, $"record {number} ('{id}') has an empty sequence");
                return;
            }
            if (sequence.Length > limits.MaxSequenceLength)
                throw OmicsLimits.Exceeded(ParseLimits.MaxSequenceLengthSetting, limits.MaxSequenceLength,
                    $"Record {number} ('{id}', line {line}) has {sequence.Length} residues");
            var invalid = PeptideResidues.FirstInvalid(sequence);
            if (invalid >= 0)
            {
                Error(number, line, OmicsErrorCodes.InvalidResidue,
                    $"record {number} ('{id}') has the invalid character '{sequence[invalid]}' at position {invalid + 1}; allowed: {PeptideResidues.Standard} and {PeptideResidues.Extended}");
                return;
            }
            if (!PeptideResidues.HasStandardResidue(sequence))
            {
                Error(number, line, OmicsErrorCodes.NoStandardResidue,
                    $"record {number} ('{id}') has none of the 20 standard amino acids ({PeptideResidues.Standard}), only ambiguity codes ({PeptideResidues.Extended}): no embedder can describe it");
                return;
            }
            if (!_ids.Add(id))
            {
                Error(number, line, OmicsErrorCodes.DuplicateId, $"record {number} repeats the id '{id}'");
                return;
            }
            if (!_sequences.TryGetValue(sequence, out var shared)) _sequences.Add(shared = sequence);
            _records.Add(new PeptideRecord(number, line, id, shared, metadata));
        }

        public void Reject(int line, string code, string what) => Error(++_recordNumber, line, code, $"record {_recordNumber} {what}");

        public ParseResult Result(PeptideFileFormat format) => new(format, _records, _errors, _errorCount, _recordNumber);

        private void Error(int number, int line, string code, string message)
        {
            _errorCount++;
            if (_errors.Count < limits.MaxReportedErrors) _errors.Add(new RecordError(number, line, code, $"line {line}: {message}"));
        }
    }
}
