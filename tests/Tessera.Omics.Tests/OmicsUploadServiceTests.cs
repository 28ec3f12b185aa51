using System.Text;
using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Tessera.Core.Errors;
using Tessera.Core.Identity;
using Tessera.Data;
using Tessera.Data.Blobs;
using Tessera.Data.Migrations;
using Tessera.Omics.Parsing;
using Tessera.Omics.Runs;
using Tessera.Omics.Storage;
using Tessera.Platform.Blobs;
using Tessera.Testing;

namespace Tessera.Omics.Tests;

public class OmicsUploadServiceTests
{
    private static readonly Principal Owner = new(Guid.CreateVersion7(), Guid.CreateVersion7(), Roles.PermissionsOf(Roles.Member));

    private static async Task<(OmicsUploadService Service, LocalBlobStore Blobs)> ServiceAsync(
        ScratchDatabase scratch, int rowsPerTransaction = OmicsUploadService.DefaultRowsPerTransaction)
    {
        await new MigrationRunner(scratch.Database, [DataModule.Migrations, OmicsModule.Schema], TimeProvider.System, NullLogger<MigrationRunner>.Instance).MigrateAsync();
        var blobs = new LocalBlobStore(Path.Combine(scratch.DataDir, "blobs"), 10 << 20, TimeProvider.System);
        return (new OmicsUploadService(scratch.Database, blobs, new UploadStaging(blobs, new BlobReferences([new ColumnBlobReferences(scratch.Database, "omics_runs", "file_sha256")])), new ParseLimits(), TimeProvider.System, rowsPerTransaction), blobs);
    }

    private const string FiveRecords = ">a\nKLAKLAK\n>b\nGIGKFLHS\n>c\nKLAKLAK\n>d\nAAAAA\n>e\nGIGKFLHS\n";

    private static OmicsUploadService.Upload File(string text, string name = "peptides.fasta") =>
        new(new MemoryStream(Encoding.UTF8.GetBytes(text)), name, null);

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task A_file_becomes_a_run_with_distinct_peptides_linked_records_and_an_error_report(string dialect)
    {
        await using var scratch = await ScratchDatabase.CreateAsync(dialect);
        var (service, _) = await ServiceAsync(scratch);

        var run = await service.CreateRunAsync(Owner, File(">a\nKLAKLAK\n>b\nGIGKFLHS\n>c\nklak lak\n>d\nKLJ\n"), null);

        Assert.Equal(OmicsRunStates.Parsed, run.State);
        Assert.Equal(4, run.RecordCount);
        Assert.Equal(2, run.PeptideCount);
        Assert.Equal(1, run.ErrorCount);
        Assert.Contains("INVALID_RESIDUE", run.ErrorReport, StringComparison.Ordinal);
        await using var c = await scratch.Database.OpenConnectionAsync();
        var peptides = await OmicsRepository.ListPeptidesAsync(c, run.Id, default);
        var records = await OmicsRepository.ListRecordsAsync(c, run.Id, default);
        Assert.Equal(["KLAKLAK", "GIGKFLHS"], peptides.Select(p => p.Sequence));
        Assert.Equal(["a", "b", "c"], records.Select(r => r.RecordId));
        Assert.Equal(records[0].PeptideId, records[2].PeptideId);
        Assert.Equal(7, peptides[0].Length);
        Assert.NotNull(await OmicsRepository.FindOwnedRunAsync(c, Owner, run.Id, default));
        Assert.Null(await OmicsRepository.FindOwnedRunAsync(c, Owner with { UserId = Guid.CreateVersion7() }, run.Id, default));
        Assert.Null(await OmicsRepository.FindOwnedRunAsync(c, Owner with { OrgId = Guid.CreateVersion7() }, run.Id, default));
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task Unusable_files_are_refused_and_leave_nothing_stored(string dialect)
    {
        await using var scratch = await ScratchDatabase.CreateAsync(dialect);
        var (service, blobs) = await ServiceAsync(scratch);
        var garbage = new byte[2048];
        new Random(1).NextBytes(garbage);
        var cases = new[]
        {
            File(""),
            File("KLAKLAK\n"),
            File("id,peptide\n1,KLAK\n", "p.csv"),
            File(">x\nKLJ\n>y\nBJO\n"),
            File(">x\n" + new string('A', 6000) + "\n"),
            new OmicsUploadService.Upload(new MemoryStream(garbage), "x.bin", null),
        };
        foreach (var upload in cases)
        {
            var error = await Assert.ThrowsAsync<TesseraException>(() => service.CreateRunAsync(Owner, upload, null));
            Assert.Equal(422, error.Status);
        }
        await using var c = await scratch.Database.OpenConnectionAsync();
        Assert.Equal(0, await c.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM omics_runs"));
        Assert.Equal(0, await c.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM omics_peptides"));
        Assert.Empty(Directory.GetFiles(Path.Combine(blobs.Root, "objects"), "*", SearchOption.AllDirectories));
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task A_failure_after_the_batches_were_stored_leaves_no_rows_and_no_blob(string dialect)
    {
        await using var scratch = await ScratchDatabase.CreateAsync(dialect);
        var (service, blobs) = await ServiceAsync(scratch, rowsPerTransaction: 2);
        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            service.CreateRunAsync(Owner, File(FiveRecords), (_, _, _) => throw new InvalidOperationException("enqueue failed")));
        await using var c = await scratch.Database.OpenConnectionAsync();
        Assert.Equal(0, await c.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM omics_runs"));
        Assert.Equal(0, await c.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM omics_peptides"));
        Assert.Equal(0, await c.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM omics_records"));
        Assert.Empty(Directory.GetFiles(Path.Combine(blobs.Root, "objects"), "*", SearchOption.AllDirectories));
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task Records_are_committed_in_bounded_batches_and_the_run_is_hidden_until_all_are_stored(string dialect)
    {
        await using var scratch = await ScratchDatabase.CreateAsync(dialect);
        var (service, _) = await ServiceAsync(scratch, rowsPerTransaction: 2);
        long recordsSeenOutside = -1;
        IReadOnlyList<OmicsRun>? runsSeenOutside = null;

        var run = await service.CreateRunAsync(Owner, File(FiveRecords), async (_, _, pending) =>
        {
            // Runs in the last transaction: another connection already sees the batches, but not the run.
            await using var outside = await scratch.Database.OpenConnectionAsync();
            recordsSeenOutside = await outside.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM omics_records");
            runsSeenOutside = await OmicsRepository.ListOwnedRunsAsync(outside, Owner, default);
            return pending;
        });

        Assert.Equal(5, recordsSeenOutside);
        Assert.Empty(runsSeenOutside!);
        await using var c = await scratch.Database.OpenConnectionAsync();
        Assert.Equal(OmicsRunStates.Parsed, (await OmicsRepository.FindOwnedRunAsync(c, Owner, run.Id, default))!.State);
        Assert.Equal(3, (await OmicsRepository.ListPeptidesAsync(c, run.Id, default)).Count);
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task A_failed_upload_keeps_the_blob_a_stored_run_references(string dialect)
    {
        await using var scratch = await ScratchDatabase.CreateAsync(dialect);
        var (service, blobs) = await ServiceAsync(scratch);
        var run = await service.CreateRunAsync(Owner, File(">a\nKLAK\n"), null);
        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            service.CreateRunAsync(Owner, File(">a\nKLAK\n"), (_, _, _) => throw new InvalidOperationException("enqueue failed")));
        Assert.True(await blobs.ExistsAsync(run.FileSha256));
    }

    [Fact]
    public async Task Uploading_needs_the_runs_write_permission()
    {
        await using var scratch = await ScratchDatabase.CreateAsync("sqlite");
        var (service, _) = await ServiceAsync(scratch);
        var viewer = Owner with { Permissions = Roles.PermissionsOf(Roles.Viewer) };
        var error = await Assert.ThrowsAsync<TesseraException>(() => service.CreateRunAsync(viewer, File(">a\nKLAK\n"), null));
        Assert.Equal(403, error.Status);
    }

    [Fact]
    public async Task The_bundled_demo_file_is_embedded_and_fully_valid()
    {
        await using var stream = typeof(OmicsModule).Assembly.GetManifestResourceStream("demo/demo-peptides.fasta")!;
        var parsed = await PeptideFileParser.ParseAsync(stream, new ParseLimits());
        Assert.Equal(300, parsed.Records.Count);
        Assert.Equal(0, parsed.ErrorCount);
    }
}
