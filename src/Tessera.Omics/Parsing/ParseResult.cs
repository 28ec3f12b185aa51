namespace Tessera.Omics.Parsing;

/// <summary>One valid record: its id, the cleaned sequence, and (CSV/TSV) the extra columns as metadata.</summary>
internal sealed record PeptideRecord(int RecordNumber, int Line, string Id, string Sequence, IReadOnlyDictionary<string, string> Metadata);

/// <summary>A problem with one record (or the file), with where it is.</summary>
internal sealed record RecordError(int RecordNumber, int Line, string Code, string Message);

internal enum PeptideFileFormat
{
    Fasta,
    Csv,
    Tsv,
}

/// <summary>The parse of one file: valid records in file order, and the per-run error report.</summary>
internal sealed record ParseResult(PeptideFileFormat Format, IReadOnlyList<PeptideRecord> Records, IReadOnlyList<RecordError> Errors, int ErrorCount, int RecordCount)
{
    public bool HasValidRecords => Records.Count > 0;
}
