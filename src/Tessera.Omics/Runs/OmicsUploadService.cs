using System.Text.Json;
using Tessera.Core.Blobs;
using Tessera.Core.Errors;
using Tessera.Core.Identity;
using Tessera.Data;
using Tessera.Omics.Features;
using Tessera.Omics.Parsing;
using Tessera.Omics.Storage;

namespace Tessera.Omics.Runs;

/// <summary>
/// Takes an uploaded peptide file: streams it into the blob store, parses and validates it, and stores the run, its
/// distinct peptides with their descriptors, and its records — all in one transaction, so a failure stores nothing.
/// A file that cannot be read as peptides at all (not text, no recognisable format, a limit exceeded, no valid
/// record) is answered with a 4xx problem and leaves no run behind.
/// </summary>
public sealed class OmicsUploadService(TesseraDatabase database, IBlobStore blobs, ParseLimits limits, TimeProvider time)
{
    public const string NoValidRecordsCode = OmicsErrorCodes.NoValidRecords;

    private static readonly JsonSerializerOptions ReportJson = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public sealed record Upload(Stream Content, string FileName, string? Name);

    /// <summary>Stores the upload; <paramref name="inTransaction"/> runs inside the same transaction (e.g. to enqueue the run's job).</summary>
    public async Task<OmicsRun> CreateRunAsync(
        Principal owner, Upload upload, Func<System.Data.Common.DbConnection, System.Data.Common.DbTransaction, OmicsRun, Task<OmicsRun>>? inTransaction,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(owner);
        ArgumentNullException.ThrowIfNull(upload);
        owner.Require(Permissions.RunsWrite);
        var name = string.IsNullOrWhiteSpace(upload.Name) ? Path.GetFileName(upload.FileName) : upload.Name.Trim();
        if (name.Length is 0 or > 200) throw TesseraException.Validation("A run name must have 1 to 200 characters.");

        var blob = await blobs.PutAsync(upload.Content, cancellationToken).ConfigureAwait(false);
        try
        {
            ParseResult parsed;
            await using (var stored = await blobs.OpenReadAsync(blob.Sha256, cancellationToken).ConfigureAwait(false))
            {
                parsed = await PeptideFileParser.ParseAsync(stored, limits, cancellationToken).ConfigureAwait(false);
            }
            if (!parsed.HasValidRecords)
            {
                var error = new TesseraException(NoValidRecordsCode, 422,
                    $"The file has no valid peptide record ({parsed.ErrorCount} record(s) rejected; see 'errors').");
                error.Extensions["errors"] = parsed.Errors;
                throw error;
            }

            var now = time.GetUtcNow();
            var run = new OmicsRun
            {
                Id = Guid.CreateVersion7(),
                UserId = owner.UserId,
                OrgId = owner.OrgId,
                Name = name,
                State = OmicsRunStates.Parsed,
                FileName = Path.GetFileName(upload.FileName),
                FileSha256 = blob.Sha256,
                FileBytes = blob.Size,
                Format = parsed.Format.ToString().ToLowerInvariant(),
                RecordCount = parsed.RecordCount,
                ErrorCount = parsed.ErrorCount,
                ErrorReport = JsonSerializer.Serialize(parsed.Errors, ReportJson),
                CreatedAt = now,
                UpdatedAt = now,
            };
            var (peptides, records) = Rows(run.Id, parsed.Records);
            run = run with { PeptideCount = peptides.Count };
            return await database.InTransactionAsync(async (c, t) =>
            {
                await OmicsRepository.InsertRunAsync(c, t, run, cancellationToken).ConfigureAwait(false);
                await OmicsRepository.InsertPeptidesAsync(c, t, peptides, cancellationToken).ConfigureAwait(false);
                await OmicsRepository.InsertRecordsAsync(c, t, records, cancellationToken).ConfigureAwait(false);
                return inTransaction is null ? run : await inTransaction(c, t, run).ConfigureAwait(false);
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (TesseraException e) when (e.Status is >= 400 and < 500)
        {
            // Rejected content: any concurrent upload of the same bytes is rejected alike, so no run can need them.
            // After other failures the blob stays; an unreferenced blob is harmless.
            await ForgetUnusedBlobAsync(blob.Sha256).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>One peptide per distinct sequence (in order of first appearance) and one record per valid record.</summary>
    internal static (List<OmicsPeptide> Peptides, List<OmicsRecord> Records) Rows(Guid runId, IReadOnlyList<PeptideRecord> parsed)
    {
        var peptides = new List<OmicsPeptide>();
        var bySequence = new Dictionary<string, Guid>(StringComparer.Ordinal);
        var records = new List<OmicsRecord>(parsed.Count);
        foreach (var record in parsed)
        {
            if (!bySequence.TryGetValue(record.Sequence, out var peptideId))
            {
                peptideId = Guid.CreateVersion7();
                bySequence[record.Sequence] = peptideId;
                var f = PeptideFeatures.Of(record.Sequence);
                peptides.Add(new OmicsPeptide
                {
                    Id = peptideId,
                    RunId = runId,
                    Ordinal = peptides.Count,
                    Sequence = record.Sequence,
                    Length = f.Length,
                    MolecularWeight = f.MolecularWeight,
                    NetChargePh7 = f.NetChargePh7,
                    IsoelectricPoint = f.IsoelectricPoint,
                    Gravy = f.Gravy,
                    Aromaticity = f.Aromaticity,
                    InstabilityIndex = f.InstabilityIndex,
                    Composition = JsonSerializer.Serialize(f.Composition.ToDictionary(p => p.Key.ToString(), p => Math.Round(p.Value, 6))),
                });
            }
            records.Add(new OmicsRecord
            {
                RunId = runId,
                RecordNumber = record.RecordNumber,
                RecordId = record.Id,
                Line = record.Line,
                PeptideId = peptideId,
                Metadata = record.Metadata.Count == 0 ? null : JsonSerializer.Serialize(record.Metadata),
            });
        }
        return (peptides, records);
    }

    /// <summary>Removes a rejected upload's blob unless a stored run uses the same bytes.</summary>
    private async Task ForgetUnusedBlobAsync(string sha256)
    {
        await using var connection = await database.OpenConnectionAsync(CancellationToken.None).ConfigureAwait(false);
        if (await OmicsRepository.CountRunsWithFileAsync(connection, sha256, CancellationToken.None).ConfigureAwait(false) == 0)
            await blobs.DeleteAsync(sha256, CancellationToken.None).ConfigureAwait(false);
    }
}
