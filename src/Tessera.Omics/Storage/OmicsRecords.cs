namespace Tessera.Omics.Storage;

internal sealed record OmicsRun
{
    public Guid Id { get; init; }
    public Guid UserId { get; init; }
    public Guid OrgId { get; init; }
    public string Name { get; init; } = "";
    public string State { get; init; } = OmicsRunStates.Uploaded;
    public string FileName { get; init; } = "";
    public string FileSha256 { get; init; } = "";
    public long FileBytes { get; init; }
    public string? Format { get; init; }
    public string? Embedder { get; init; }
    public int? EmbedderDimension { get; init; }
    public string? ModelHash { get; init; }
    public string? Pooling { get; init; }
    public string? TruncationPolicy { get; init; }
    public int RecordCount { get; init; }
    public int PeptideCount { get; init; }
    public int ErrorCount { get; init; }
    public string? ErrorReport { get; init; }
    public string? Failure { get; init; }
    public Guid? JobId { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
}

internal static class OmicsRunStates
{
    public const string Uploaded = "uploaded";
    public const string Parsed = "parsed";
    public const string Embedded = "embedded";
    public const string Failed = "failed";
}

/// <summary>One distinct sequence of a run with its descriptors; <see cref="Ordinal"/> is its first appearance in the file.</summary>
internal record OmicsPeptide
{
    public Guid Id { get; init; }
    public Guid RunId { get; init; }
    public int Ordinal { get; init; }
    public string Sequence { get; init; } = "";
    public int Length { get; init; }
    public double MolecularWeight { get; init; }
    public double NetChargePh7 { get; init; }
    public double IsoelectricPoint { get; init; }
    public double Gravy { get; init; }
    public double Aromaticity { get; init; }
    public double InstabilityIndex { get; init; }
    public string Composition { get; init; } = "{}";
}

/// <summary>A record of the uploaded file, linked to its (possibly shared) peptide.</summary>
internal sealed record OmicsRecord
{
    public Guid RunId { get; init; }
    public int RecordNumber { get; init; }
    public string RecordId { get; init; } = "";
    public int Line { get; init; }
    public Guid PeptideId { get; init; }
    public string? Metadata { get; init; }
}

/// <summary>One row of an export: a record's id, its peptide, and the raw embedding bytes.</summary>
internal sealed record ExportRow : OmicsPeptide
{
    public string RecordId { get; init; } = "";
    public byte[] Vector { get; init; } = [];
}
