using Microsoft.Extensions.Time.Testing;
using Tessera.Core.Identity;
using Tessera.Inference.Embeddings;
using Tessera.Testing;
using Tessera.Traces.Formats;
using Tessera.Traces.Ingest;

namespace Tessera.Traces.Tests.Ingest;

public class TracesIngestServiceTests
{
    internal static Principal Member() => new(Guid.CreateVersion7(), Guid.CreateVersion7(), Roles.PermissionsOf(Roles.Member));

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task A_complete_run_is_stored_with_the_seed_ids_and_one_vector_per_record(string dialect)
    {
        await using var rig = await IngestRig.CreateAsync(dialect);
        var owner = Member();
        var source = await rig.SourceAsync(owner, "runs");
        Directory.CreateDirectory(Path.Combine(source.Path, "a"));
        await File.WriteAllTextAsync(Path.Combine(source.Path, "a", "run1.jsonl"), SeedRun.Of(7));

        var report = await rig.Ingest.DiscoverAsync(source, null, default);

        Assert.Equal((1, 7), (report.FilesProcessed, report.RecordsAdded));
        var records = await rig.RecordsAsync(owner.OrgId);
        Assert.Equal(Enumerable.Range(0, 7).Select(i => TraceRecordId.For("a/run1.jsonl", i / 3, i % 3)), records.Select(r => r.Id));
        Assert.Equal(7, await rig.EmbeddingCountAsync(owner.OrgId));
        var file = await rig.FileAsync(source.Id, "a/run1.jsonl");
        Assert.Equal(("processed", 7, 0), (file.State, file.Records, file.Skipped));
        Assert.Equal((1, 0), (rig.Listener.Calls, rig.Listener.CallsOutsideGate));

        // Nothing changed: a second pass reads nothing and tells no one.
        var again = await rig.Ingest.DiscoverAsync(source, null, default);
        Assert.Equal((0, 0), (again.FilesProcessed, again.RecordsAdded));
        Assert.Equal(1, rig.Listener.Calls);
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task An_incomplete_run_is_stored_only_once_its_completing_line_arrives(string dialect)
    {
        await using var rig = await IngestRig.CreateAsync(dialect);
        var owner = Member();
        var source = await rig.SourceAsync(owner, "runs");
        var file = Path.Combine(source.Path, "run.jsonl");
        await File.WriteAllTextAsync(file, SeedRun.Of(4, finished: false));

        var first = await rig.Ingest.DiscoverAsync(source, null, default);
        Assert.Equal((1, 0), (first.FilesIncomplete, first.RecordsAdded));
        Assert.Empty(await rig.RecordsAsync(owner.OrgId));
        Assert.Equal("incomplete", (await rig.FileAsync(source.Id, "run.jsonl")).State);

        await File.AppendAllTextAsync(file, SeedRun.Line(1, 1, "the answer", "42"));
        var second = await rig.Ingest.DiscoverAsync(source, null, default);

        Assert.Equal((1, 5), (second.FilesProcessed, second.RecordsAdded));
        Assert.Equal(5, (await rig.RecordsAsync(owner.OrgId)).Count);
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task A_file_appended_in_pieces_within_the_debounce_is_processed_once_and_completely(string dialect)
    {
        var clock = new ManualTimeProvider();
        await using var rig = await IngestRig.CreateAsync(dialect, clock);
        var owner = Member();
        var source = await rig.SourceAsync(owner, "runs", debounceMs: 1000);
        var file = Path.Combine(source.Path, "run.jsonl");
        var whole = SeedRun.Of(9);
        // Pieces cut mid-line, each written and polled before the debounce has passed.
        var cuts = new[] { 0, 37, 150, 151, 420, whole.Length - 5, whole.Length };
        for (var i = 1; i < cuts.Length; i++)
        {
            await File.AppendAllTextAsync(file, whole[cuts[i - 1]..cuts[i]]);
            File.SetLastWriteTimeUtc(file, new DateTime(2026, 1, 1, 0, 0, i, DateTimeKind.Utc));
            var pass = await rig.Ingest.DiscoverAsync(source, null, default);
            Assert.Equal((1, 0), (pass.FilesWaiting, pass.RecordsAdded));
            clock.Advance(TimeSpan.FromMilliseconds(400));
        }
        clock.Advance(TimeSpan.FromSeconds(1));

        var done = await rig.Ingest.DiscoverAsync(source, null, default);
        var later = await rig.Ingest.DiscoverAsync(source, null, default);

        Assert.Equal((1, 9), (done.FilesProcessed, done.RecordsAdded));
        Assert.Equal((0, 0), (later.FilesProcessed, later.RecordsAdded));
        Assert.Equal(9, (await rig.RecordsAsync(owner.OrgId)).Select(r => r.Id).Distinct().Count());
        Assert.Equal(1, rig.Listener.Calls);
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task A_run_that_grows_after_processing_adds_only_its_new_records(string dialect)
    {
        await using var rig = await IngestRig.CreateAsync(dialect);
        var owner = Member();
        var source = await rig.SourceAsync(owner, "runs");
        var file = Path.Combine(source.Path, "run.jsonl");
        await File.WriteAllTextAsync(file, SeedRun.Of(5));
        await rig.Ingest.DiscoverAsync(source, null, default);
        var before = await rig.RecordsAsync(owner.OrgId);

        // A resumed run: more entries, finished again.
        await File.AppendAllTextAsync(file, SeedRun.Line(5, 0, "resumed") + SeedRun.Line(5, 1, "resumed answer", "43"));
        var report = await rig.Ingest.DiscoverAsync(source, null, default);

        Assert.Equal(2, report.RecordsAdded);
        var after = await rig.RecordsAsync(owner.OrgId);
        Assert.Equal(before, after[..5]);
        Assert.Equal(7, await rig.EmbeddingCountAsync(owner.OrgId));
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task Two_hundred_runs_dropped_at_once_are_all_processed(string dialect)
    {
        await using var rig = await IngestRig.CreateAsync(dialect);
        var owner = Member();
        var source = await rig.SourceAsync(owner, "runs");
        for (var i = 0; i < 200; i++) await File.WriteAllTextAsync(Path.Combine(source.Path, $"run{i:D3}.jsonl"), SeedRun.Of(3, prefix: $"run {i}"));
        var progress = new List<IngestProgress>();

        var report = await rig.Ingest.DiscoverAsync(source, new SyncProgress(progress.Add), default);

        Assert.Equal((200, 600), (report.FilesProcessed, report.RecordsAdded));
        Assert.Equal(600, await rig.EmbeddingCountAsync(owner.OrgId));
        Assert.Equal(600, progress[^1].Embedded);
        // Batches of about settings.BatchRecords records (50): 12 of them, each told to the listeners under the gate.
        Assert.Equal((12, 0), (rig.Listener.Calls, rig.Listener.CallsOutsideGate));
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task A_record_the_embedder_always_refuses_is_skipped_and_reported_while_the_rest_is_stored(string dialect)
    {
        var picky = new NamedEmbedder("picky", time => new HookedEmbedder(time, "picky", texts =>
        {
            if (texts.Any(t => t.Contains("POISON", StringComparison.Ordinal))) throw new InvalidOperationException("the server refuses this input");
        }));
        await using var rig = await IngestRig.CreateAsync(dialect, null, picky);
        var owner = Member();
        var source = await rig.SourceAsync(owner, "runs", embedder: "picky");
        await File.WriteAllTextAsync(Path.Combine(source.Path, "run.jsonl"),
            SeedRun.Line(0, 0, "fine") + SeedRun.Line(0, 1, "POISON pill") + "{not json\n" + SeedRun.Line(1, 0, "fine too", "ok"));

        var report = await rig.Ingest.DiscoverAsync(source, null, default);

        Assert.Equal((2, 2), (report.RecordsAdded, report.Problems));
        var file = await rig.FileAsync(source.Id, "run.jsonl");
        Assert.Equal(2, file.Skipped);
        Assert.Contains("\"line\":2", file.Problems, StringComparison.Ordinal);
        Assert.Contains(TracesErrorCodes.EmbeddingFailed, file.Problems, StringComparison.Ordinal);
        Assert.Contains("\"line\":3", file.Problems, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task The_report_gives_the_seconds_inside_the_embedder_and_the_pass_wall_seconds(string dialect)
    {
        var clock = new FakeTimeProvider();
        HookedEmbedder? slow = null;
        var named = new NamedEmbedder("slow", _ => slow = new HookedEmbedder(clock, "slow", _ => clock.Advance(TimeSpan.FromSeconds(2))));
        await using var rig = await IngestRig.CreateAsync(dialect, clock, named);
        var owner = Member();
        var source = await rig.SourceAsync(owner, "runs", embedder: "slow");
        // 40 records in chunks of 16 (the rig's EmbedChunk): three calls of two seconds each.
        await File.WriteAllTextAsync(Path.Combine(source.Path, "run.jsonl"), SeedRun.Of(40));

        var report = await rig.Ingest.DiscoverAsync(source, null, default);

        Assert.Equal(40, report.RecordsAdded);
        Assert.Equal(3, slow!.Calls);
        Assert.Equal(6.0, report.EmbedSeconds);
        // Only the embedder moves this clock, so the whole pass took exactly its calls' time.
        Assert.Equal(6.0, report.WallSeconds);
        var twoPasses = report.Add(report);
        Assert.Equal((12.0, 12.0), (twoPasses.EmbedSeconds, twoPasses.WallSeconds));
    }

    private sealed class SyncProgress(Action<IngestProgress> report) : IProgress<IngestProgress>
    {
        public void Report(IngestProgress value) => report(value);
    }
}
