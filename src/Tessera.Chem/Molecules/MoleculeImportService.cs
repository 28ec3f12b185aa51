using System.Text.Json;
using Tessera.Chem.OpenBabel;
using Tessera.Chem.Quotas;
using Tessera.Chem.Storage;
using Tessera.Core.Blobs;
using Tessera.Core.Errors;
using Tessera.Core.Identity;
using Tessera.Data;
using Tessera.Platform.Blobs;

namespace Tessera.Chem.Molecules;

/// <summary>
/// Takes an uploaded structure file: streams it into the blob store, cuts it into records, normalises each with Open
/// Babel outside any transaction, and stores the artifact with every valid molecule in one transaction. Rejected
/// records are reported (and kept with the artifact) with their reason; a file with no valid record is a 422 and,
/// like any failed upload, leaves neither rows nor its blob behind. A file that would take the organization past its
/// stored-bytes quota is refused (403 <c>CHEM_QUOTA_STORED_BYTES</c>) the same way.
/// </summary>
internal sealed class MoleculeImportService(
    TesseraDatabase database, IBlobStore blobs, UploadStaging staging, MoleculeNormalizer normalizer, QuotaService quotas, ChemSettings settings, TimeProvider time)
{
    private static readonly JsonSerializerOptions ReportJson = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public sealed record Imported(Artifact Artifact, IReadOnlyList<Molecule> Molecules, IReadOnlyList<RejectedRecord> Rejected);

    /// <summary>Streams a file into the blob store; dispose the result once an artifact records it (or the upload fails).</summary>
    public Task<StagedUpload> StoreAsync(Stream content, CancellationToken cancellationToken) => staging.StoreAsync(content, cancellationToken);

    /// <summary>Reads, normalises and stores <paramref name="content"/> (the CLI's path; the API streams through <see cref="StoreAsync"/>).</summary>
    public async Task<Imported> ImportAsync(Principal owner, Stream content, string fileName, string? format, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(owner);
        owner.Require(Permissions.RunsWrite);
        var resolved = StructureFormats.Resolve(format, fileName);
        await using var file = await StoreAsync(content, cancellationToken).ConfigureAwait(false);
        return await ImportAsync(owner, file, fileName, resolved, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Records a stored file as an artifact with its molecules; on success the file is kept, otherwise disposing it removes the blob.</summary>
    public async Task<Imported> ImportAsync(Principal owner, StagedUpload file, string fileName, string? format, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(owner);
        ArgumentNullException.ThrowIfNull(file);
        owner.Require(Permissions.RunsWrite);
        var resolved = StructureFormats.Resolve(format, fileName);
        IReadOnlyList<StructureRecord> records;
        await using (var stored = await blobs.OpenReadAsync(file.Blob.Sha256, cancellationToken).ConfigureAwait(false))
            records = await StructureRecords.ReadAsync(stored, resolved, settings.MaxRecords, cancellationToken).ConfigureAwait(false);

        var results = new NormalizedRecord[records.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, records.Count),
            new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = cancellationToken },
            async (i, ct) => results[i] = await normalizer.NormalizeAsync(records[i], StructureFormats.ObabelInput(resolved), ct).ConfigureAwait(false)).ConfigureAwait(false);
        var rejected = results.Where(r => r.Rejection is not null).Select(r => r.Rejection!).ToList();
        if (rejected.Count == results.Length)
        {
            var error = new TesseraException(ChemErrorCodes.NoValidMolecules, 422, $"The file has no valid structure ({rejected.Count} record(s) rejected; see 'rejected').");
            error.Extensions["rejected"] = rejected;
            throw error;
        }

        var now = time.GetUtcNow();
        var artifact = new Artifact
        {
            Id = Guid.CreateVersion7(now), OrgId = owner.OrgId, UserId = owner.UserId, FileName = Path.GetFileName(fileName), Format = resolved,
            BlobSha256 = file.Blob.Sha256, SizeBytes = file.Blob.Size, MoleculeCount = results.Length - rejected.Count, RejectedCount = rejected.Count,
            Rejected = JsonSerializer.Serialize(rejected, ReportJson), CreatedAt = now,
        };
        var molecules = results.Where(r => r.Properties is not null).Select(r => ToMolecule(artifact, r, now)).ToList();
        await database.InTransactionAsync(async (c, t) =>
        {
            await quotas.RequireStorageRoomAsync(c, t, owner.OrgId, artifact.SizeBytes, cancellationToken).ConfigureAwait(false);
            await ArtifactRows.InsertAsync(c, t, artifact, cancellationToken).ConfigureAwait(false);
            await MoleculeRows.InsertAsync(c, t, molecules, cancellationToken).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
        file.Keep();
        return new Imported(artifact, molecules, rejected);
    }

    /// <summary>
    /// Keeps a structure file as an artifact as it is, without reading molecules from it: a receptor (a protein is no
    /// molecule to normalise; Open Babel gives up on its InChI), or a ligand kept with its own coordinates. The tools
    /// that use it read it then.
    /// </summary>
    public async Task<Artifact> KeepFileAsync(Principal owner, StagedUpload file, string fileName, string? format, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(owner);
        ArgumentNullException.ThrowIfNull(file);
        owner.Require(Permissions.RunsWrite);
        var resolved = StructureFormats.Resolve(format, fileName);
        if (file.Blob.Size == 0) throw TesseraException.Validation("The file is empty.");
        var now = time.GetUtcNow();
        var artifact = new Artifact
        {
            Id = Guid.CreateVersion7(now), OrgId = owner.OrgId, UserId = owner.UserId, FileName = Path.GetFileName(fileName), Format = resolved,
            BlobSha256 = file.Blob.Sha256, SizeBytes = file.Blob.Size, MoleculeCount = 0, RejectedCount = 0, Rejected = "[]", CreatedAt = now,
        };
        await database.InTransactionAsync(async (c, t) =>
        {
            await quotas.RequireStorageRoomAsync(c, t, owner.OrgId, artifact.SizeBytes, cancellationToken).ConfigureAwait(false);
            await ArtifactRows.InsertAsync(c, t, artifact, cancellationToken).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
        file.Keep();
        return artifact;
    }

    /// <summary>As <see cref="KeepFileAsync(Principal, StagedUpload, string, string?, CancellationToken)"/> for a stream (the CLI's path).</summary>
    public async Task<Artifact> KeepFileAsync(Principal owner, Stream content, string fileName, string? format, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(owner);
        owner.Require(Permissions.RunsWrite);
        StructureFormats.Resolve(format, fileName);
        await using var file = await StoreAsync(content, cancellationToken).ConfigureAwait(false);
        return await KeepFileAsync(owner, file, fileName, format, cancellationToken).ConfigureAwait(false);
    }

    private static Molecule ToMolecule(Artifact artifact, NormalizedRecord record, DateTimeOffset now)
    {
        var p = record.Properties!;
        return new Molecule
        {
            Id = Guid.CreateVersion7(now), OrgId = artifact.OrgId, ArtifactId = artifact.Id, Record = record.Index, Title = record.Title,
            CanonicalSmiles = p.CanonicalSmiles, InChIKey = p.InChIKey, Formula = p.Formula, MolecularWeight = p.MolecularWeight, LogP = p.LogP,
            Tpsa = p.Tpsa, Hbd = p.Hbd, Hba = p.Hba, RotatableBonds = p.RotatableBonds, CreatedAt = now,
        };
    }
}
