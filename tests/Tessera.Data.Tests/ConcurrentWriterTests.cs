using System.Diagnostics;
using Dapper;
using Tessera.Testing;

namespace Tessera.Data.Tests;

public class ConcurrentWriterTests
{
    private static readonly TimeSpan Hold = TimeSpan.FromMilliseconds(50);

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task A_writer_behind_another_writer_does_not_wait_a_whole_second(string dialect)
    {
        await using var scratch = await ScratchDatabase.CreateAsync(dialect);
        await using (var c = await scratch.Database.OpenConnectionAsync())
            await c.ExecuteAsync("CREATE TABLE counters (id INTEGER PRIMARY KEY, n INTEGER NOT NULL); INSERT INTO counters VALUES (1, 0)");
        // Warm up (JIT, first pooled connections) so the measured wait is the lock wait alone.
        await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => scratch.Database.InTransactionAsync((c, t) => c.ExecuteAsync("UPDATE counters SET n = 0 WHERE id = 1", transaction: t))));

        // Both update one row: SQLite's write lock and PostgreSQL's row lock both make the second writer wait.
        var holding = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = scratch.Database.InTransactionAsync(async (c, t) =>
        {
            await c.ExecuteAsync("UPDATE counters SET n = n + 1 WHERE id = 1", transaction: t);
            holding.SetResult();
            await Task.Delay(Hold);
        });
        await holding.Task;
        var waited = Stopwatch.StartNew();
        await scratch.Database.InTransactionAsync((c, t) => c.ExecuteAsync("UPDATE counters SET n = n + 1 WHERE id = 1", transaction: t));
        waited.Stop();
        await first;

        await using var read = await scratch.Database.OpenConnectionAsync();
        Assert.Equal(2, await read.ExecuteScalarAsync<int>("SELECT n FROM counters WHERE id = 1"));
        // A busy wait that sleeps whole seconds (SQLite built without usleep) takes at least a second here; a
        // millisecond-grained one about the hold time (50-60 ms when the machine is idle).
        Assert.True(waited.Elapsed < TimeSpan.FromSeconds(1), $"The second writer waited {waited.Elapsed.TotalMilliseconds:F0} ms behind a {Hold.TotalMilliseconds:F0} ms transaction.");
    }

    [Fact]
    public async Task Every_sqlite_connection_waits_for_other_writers_with_a_busy_timeout()
    {
        await using var scratch = await ScratchDatabase.CreateAsync("sqlite");
        // Held open together, so the pool cannot hand one configured connection back each time.
        var connections = new List<System.Data.Common.DbConnection>();
        try
        {
            for (var i = 0; i < 3; i++) connections.Add(await scratch.Database.OpenConnectionAsync());
            foreach (var c in connections) Assert.Equal(30_000, await c.ExecuteScalarAsync<int>("PRAGMA busy_timeout"));
        }
        finally
        {
            foreach (var c in connections) await c.DisposeAsync();
        }
    }
}
