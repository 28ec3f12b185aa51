using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Tessera.Chem.Molecules;
using Tessera.Chem.Tasks;

namespace Tessera.Chem.Api;

/// <summary>A stored molecule: its normalised structure and descriptors, and the artifact (upload) it came from.</summary>
internal sealed record ChemMolecule(
    Guid Id, Guid ArtifactId, int Record, string? Title, string CanonicalSmiles, [property: JsonPropertyName("inchikey")] string InChIKey, string Formula, double MolecularWeight,
    double LogP, double Tpsa, int Hbd, int Hba, int RotatableBonds, DateTimeOffset CreatedAt)
{
    public static ChemMolecule From(Molecule m) => new(
        m.Id, m.ArtifactId, m.Record, m.Title, m.CanonicalSmiles, m.InChIKey, m.Formula, m.MolecularWeight, m.LogP, m.Tpsa, m.Hbd, m.Hba, m.RotatableBonds, m.CreatedAt);
}

/// <summary>A page of molecules; pass <paramref name="Next"/> as <c>after</c> for the following one (null: the last page).</summary>
internal sealed record ChemMoleculePage(IReadOnlyList<ChemMolecule> Items, Guid? Next);

/// <summary>A record of an upload that was not stored: its number in the file, its title, a stable code and the reason.</summary>
internal sealed record ChemRejectedRecord(int Record, string? Title, string Code, string Reason)
{
    public static ChemRejectedRecord From(RejectedRecord r) => new(r.Record, r.Title, r.Code, r.Reason);
}

/// <summary>An uploaded file kept as an artifact in the blob store.</summary>
internal sealed record ChemArtifact(Guid Id, string FileName, string Format, string Sha256, long SizeBytes, int MoleculeCount, int RejectedCount, DateTimeOffset CreatedAt)
{
    public static ChemArtifact From(Artifact a) => new(a.Id, a.FileName, a.Format, a.BlobSha256, a.SizeBytes, a.MoleculeCount, a.RejectedCount, a.CreatedAt);
}

/// <summary>What an upload stored (every valid molecule) and which records it rejected, with why.</summary>
internal sealed record ChemUploadResponse(ChemArtifact Artifact, IReadOnlyList<ChemMolecule> Molecules, IReadOnlyList<ChemRejectedRecord> Rejected);

/// <summary>A signed link to an artifact's file, valid until <paramref name="ExpiresAt"/>.</summary>
internal sealed record ChemArtifactLink(Guid ArtifactId, string FileName, string Url, DateTimeOffset ExpiresAt);

/// <summary>One version of a task definition; <paramref name="Owner"/> is "system" for the tasks every organization sees, else "organization".</summary>
internal sealed record ChemTask(
    string Name, int Version, string Description, JsonNode? InputSchema, JsonNode? OutputSchema, JsonNode? Resources, string Owner, DateTimeOffset CreatedAt)
{
    public static ChemTask From(TaskDefinition d) => new(
        d.Name, d.Version, d.Description, JsonNode.Parse(d.InputSchema), JsonNode.Parse(d.OutputSchema), JsonNode.Parse(d.Resources),
        d.OrgId is null ? "system" : "organization", d.CreatedAt);
}

/// <summary>Parameters that match the task version's input schema.</summary>
internal sealed record ChemValidation(string Name, int Version, bool Valid);
