using System.Text.Json;
using Tessera.Core.Blobs;
using Tessera.Core.Errors;
using Tessera.Core.Identity;
using Tessera.Data;
using Tessera.Omics.Features;
using Tessera.Omics.Parsing;
using Tessera.Omics.Storage;
using Tessera.Platform.Blobs;

namespace Tessera.Omics.Runs;

/// <summary>
/// Takes an uploaded peptide file: streams it into the blob store, parses and validates it outside any transaction,
/// and stores the run, its distinct peptides with their descriptors, and its records in short transactions of
/// bounded batches. The run stays <c>uploaded</c> (read as missing) until a last transaction marks it <c>parsed</c>;
/// a failure on the way deletes what was stored. A file that cannot be read as peptides at all (not text, no
/// recognisable format, a limit exceeded, no valid record) is answered with a 4xx problem; a refused or failed
/// upload leaves neither a run nor its blob behind.
/// </summary>
internal sealed class OmicsUploadService(
    TesseraDatabase database, IBlobStore blobs, UploadStaging staging, ParseLimits limits, TimeProvider time,
    int rowsPerTransaction = OmicsUploadService.DefaultRowsPerTransaction)
{
    /// <summary>Peptides or records per insert transaction: SQLite's write lock is held for one batch at a time, not for a whole file.</summary>
    public const int DefaultRowsPerTransaction = 5_000;

    public const string NoValidRecordsCode = OmicsErrorCodes.NoValidRecords;

    private static readonly JsonSerializerOptions ReportJson = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public sealed record Upload(Stream Content, string FileName, string? Name);

    /// <summary>Streams a file into the blob store; dispose the result once a run records it (or the upload fails).</summary>
    public Task<StagedUpload> StoreAsync(Stream content, CancellationToken cancellationToken = default) => staging.StoreAsync(content, cancellationToken);

    /// <summary>Stores the upload; <paramref name="inTransaction"/> runs inside the same transaction (e.g. to enqueue the run's job).</summary>
    public async Task<OmicsRun> CreateRunAsync(
        Principal owner, Upload upload, Func<System.Data.Common.DbConnection, System.Data.Common.DbTransaction, OmicsRun, Task<OmicsRun>>? inTransaction,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(owner);
        ArgumentNullException.ThrowIfNull(upload);
        owner.Require(Permissions.RunsWrite);
        await using var file = await StoreAsync(upload.Content, cancellationToken).ConfigureAwait(false);
        return await CreateRunAsync(owner, file, upload.FileName, upload.Name, inTransaction, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Records a stored file as a run; on success the file is kept, otherwise disposing it removes the blob.</summary>
    public async Task<OmicsRun> CreateRunAsync(
        Principal owner, StagedUpload file, string fileName, string? requestedName,
        Func<System.Data.Common.DbConnection, System.Data.Common.DbTransaction, OmicsRun, Task<OmicsRun>>? inTransaction,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(owner);
        ArgumentNullException.ThrowIfNull(file);
        owner.Require(Permissions.RunsWrite);
        var name = string.IsNullOrWhiteSpace(requestedName) ? Path.GetFileName(fileName) : requestedName.Trim();
        if (name.Length is 0 or > 200) throw TesseraException.Validation("A run name must have 1 to 200 characters.");

        var blob = file.Blob;
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
            FileName = Path.GetFileName(fileName),
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
        var created = await StoreRowsAsync(run, peptides, records, inTransaction, cancellationToken).ConfigureAwait(false);
        file.Keep();
        return created;
    }

    private async Task<OmicsRun> StoreRowsAsync(
        OmicsRun run, List<OmicsPeptide> peptides, List<OmicsRecord> records,
        Func<System.Data.Common.DbConnection, System.Data.Common.DbTransaction, OmicsRun, Task<OmicsRun>>? inTransaction,
        CancellationToken cancellationToken)
    {
        await database.InTransactionAsync((c, t) => OmicsRepository.InsertRunAsync(c, t, run with { State = OmicsRunStates.Uploaded }, cancellationToken), cancellationToken).ConfigureAwait(false);
        try
        {
            foreach (var batch in peptides.Chunk(rowsPerTransaction))
                await database.InTransactionAsync((c, t) => OmicsRepository.InsertPeptidesAsync(c, t, batch, cancellationToken), cancellationToken).ConfigureAwait(false);
            foreach (var batch in records.Chunk(rowsPerTransaction))
                await database.InTransactionAsync((c, t) => OmicsRepository.InsertRecordsAsync(c, t, batch, cancellationToken), cancellationToken).ConfigureAwait(false);
            return await database.InTransactionAsync(async (c, t) =>
            {
                await OmicsRepository.MarkParsedAsync(c, t, run.Id, run.UpdatedAt, cancellationToken).ConfigureAwait(false);
                return inTransaction is null ? run : await inTransaction(c, t, run).ConfigureAwait(false);
            }, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // Not cancellable: a cancelled upload must still leave nothing behind.
            await database.InTransactionAsync(async (c, t) =>
            {
                await OmicsRepository.LockDeletionsAsync(c, t, database.Dialect, CancellationToken.None).ConfigureAwait(false);
                await OmicsRepository.DeleteRunAsync(c, t, run.Id, CancellationToken.None).ConfigureAwait(false);
            }, CancellationToken.None).ConfigureAwait(false);
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
}
