using System.Collections.Concurrent;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Tessera.Testing;

namespace Tessera.Jobs.Tests;

/// <summary>A worker whose database fails logs the outage once and its end once, not a stack trace per poll.</summary>
public class DatabaseOutageTests
{
    private const int ClaimFailed = 3003;
    private const int ClaimRecovered = 3012;

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task A_worker_logs_a_failing_database_once_when_it_starts_failing_and_once_when_it_works_again(string dialect)
    {
        var log = new EventCollector();
        await using var harness = await JobsHarness.CreateAsync(
            dialect, new Dictionary<string, string?> { ["jobs:poll_ms"] = "10" }, s => s.AddSingleton<ILoggerProvider>(log));
        // Claims fail while the jobs table is away, as they would with the database down.
        await RenameAsync(harness, "jobs", "jobs_away");
        await using (new RunningWorker(harness.NewWorker()))
        {
            await log.WaitForAsync(ClaimFailed);
            // Long enough for dozens of polls at 10 ms, each of which used to log the exception again.
            await Task.Delay(TimeSpan.FromSeconds(1));
            await RenameAsync(harness, "jobs_away", "jobs");
            await log.WaitForAsync(ClaimRecovered);
        }
        Assert.Equal(1, log.Count(ClaimFailed));
        Assert.Equal(1, log.Count(ClaimRecovered));
    }

    private static async Task RenameAsync(JobsHarness harness, string from, string to)
    {
        await using var connection = await harness.Scratch.Database.OpenConnectionAsync();
        await connection.ExecuteAsync($"ALTER TABLE {from} RENAME TO {to}");
    }

    private sealed class EventCollector : ILoggerProvider, ILogger
    {
        private readonly ConcurrentQueue<int> _events = new();

        public int Count(int eventId) => _events.Count(e => e == eventId);

        public async Task WaitForAsync(int eventId)
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            while (Count(eventId) == 0)
            {
                if (DateTime.UtcNow > deadline) throw new TimeoutException($"No log event {eventId} within 30 s.");
                await Task.Delay(20);
            }
        }

        public ILogger CreateLogger(string categoryName) => this;
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            _events.Enqueue(eventId.Id);

        public void Dispose() { }
    }
}
