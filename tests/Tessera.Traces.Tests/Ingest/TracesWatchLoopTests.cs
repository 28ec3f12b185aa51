using Microsoft.Extensions.Logging.Abstractions;
using Tessera.Core.Identity;
using Tessera.Testing;
using Tessera.Traces.Ingest;
using Tessera.Traces.Sources;

namespace Tessera.Traces.Tests.Ingest;

public class TracesWatchLoopTests
{
    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task A_run_written_in_pieces_while_watched_is_stored_once_and_completely_on_file_events(string dialect)
    {
        await using var rig = await IngestRig.CreateAsync(dialect);
        var owner = new Principal(Guid.CreateVersion7(), Guid.CreateVersion7(), Roles.PermissionsOf(Roles.Member));
        // Polls an hour apart: after the first pass only file events can bring the run in.
        var source = await rig.SourceAsync(owner, "watched", debounceMs: 300) with { PollSeconds = 3600 };
        var loop = new TracesWatchLoop(rig.Ingest, TimeProvider.System, NullLogger<TracesWatchLoop>.Instance);
        using var stop = new CancellationTokenSource();
        var passes = 0;
        var running = loop.RunAsync(_ => Task.FromResult<IReadOnlyList<TraceSource>>([source]), TimeSpan.FromHours(1), (_, _) => Interlocked.Increment(ref passes), stop.Token);
        await WaitForAsync(() => Volatile.Read(ref passes) >= 1);

        var whole = SeedRun.Of(12);
        var file = Path.Combine(source.Path, "live.jsonl");
        for (var cut = 0; cut < whole.Length; cut += 97)
        {
            await File.AppendAllTextAsync(file, whole[cut..Math.Min(whole.Length, cut + 97)]);
            await Task.Delay(20);
        }
        await WaitForAsync(async () => (await rig.RecordsAsync(owner.OrgId)).Count == 12);
        // Later events (none) and passes add nothing.
        await Task.Delay(800);
        await stop.CancelAsync();
        await running;

        Assert.Equal(12, (await rig.RecordsAsync(owner.OrgId)).Select(r => r.Id).Distinct().Count());
        Assert.Equal(1, rig.Listener.Calls);
        Assert.Equal("processed", (await rig.FileAsync(source.Id, "live.jsonl")).State);
    }

    [Fact]
    public async Task A_list_of_sources_that_cannot_be_read_is_read_again_later_and_stops_nothing()
    {
        // Only the list is asked for here (it stays empty), so the ingest service is never reached.
        var loop = new TracesWatchLoop(null!, TimeProvider.System, NullLogger<TracesWatchLoop>.Instance);
        using var stop = new CancellationTokenSource();
        var asked = 0;
        var running = loop.RunAsync(_ => Interlocked.Increment(ref asked) <= 2
            ? throw new InvalidOperationException("the database is away")
            : Task.FromResult<IReadOnlyList<TraceSource>>([]), TimeSpan.FromMilliseconds(50), null, stop.Token);
        await WaitForAsync(() => Volatile.Read(ref asked) >= 4);
        Assert.False(running.IsCompleted);
        await stop.CancelAsync();
        await running;
    }

    private static Task WaitForAsync(Func<bool> condition) => WaitForAsync(() => Task.FromResult(condition()));

    private static async Task WaitForAsync(Func<Task<bool>> condition)
    {
        for (var i = 0; i < 600 && !await condition(); i++) await Task.Delay(50);
        Assert.True(await condition(), "the watcher did not get there within 30 s");
    }
}
