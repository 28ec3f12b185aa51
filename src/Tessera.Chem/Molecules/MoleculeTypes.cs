namespace Tessera.Chem.Molecules;

/// <summary>One structure as cut from an upload, numbered from 1 in file order.</summary>
internal sealed record StructureRecord(int Index, string? Title, string Text);

/// <summary>What Open Babel derived from a structure: canonical SMILES, InChIKey, formula, weight and descriptors.</summary>
internal sealed record MoleculeProperties(
    string CanonicalSmiles, string InChIKey, string Formula, double MolecularWeight, double LogP, double Tpsa, int Hbd, int Hba, int RotatableBonds);

/// <summary>A record that was not stored, and why (a stable code and obabel's words).</summary>
internal sealed record RejectedRecord(int Record, string? Title, string Code, string Reason);

/// <summary>Either the properties of a record or why it was rejected.</summary>
internal sealed record NormalizedRecord(int Index, string? Title, MoleculeProperties? Properties, RejectedRecord? Rejection);

/// <summary>A stored molecule.</summary>
internal sealed record Molecule
{
    public Guid Id { get; init; }
    public Guid OrgId { get; init; }
    public Guid ArtifactId { get; init; }
    public int Record { get; init; }
    public string? Title { get; init; }
    public string CanonicalSmiles { get; init; } = "";
    public string InChIKey { get; init; } = "";
    public string Formula { get; init; } = "";
    public double MolecularWeight { get; init; }
    public double LogP { get; init; }
    public double Tpsa { get; init; }
    public int Hbd { get; init; }
    public int Hba { get; init; }
    public int RotatableBonds { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
}

/// <summary>A stored upload: the file's bytes are the blob <see cref="BlobSha256"/>; <see cref="Rejected"/> is the JSON report.</summary>
internal sealed record Artifact
{
    public Guid Id { get; init; }
    public Guid OrgId { get; init; }
    public Guid UserId { get; init; }
    public string FileName { get; init; } = "";
    public string Format { get; init; } = "";
    public string BlobSha256 { get; init; } = "";
    public long SizeBytes { get; init; }
    public int MoleculeCount { get; init; }
    public int RejectedCount { get; init; }
    public string Rejected { get; init; } = "[]";
    public DateTimeOffset CreatedAt { get; init; }
}
