using System.Diagnostics;
using System.Text.Json.Nodes;
using Tessera.Testing;
using Xunit.Abstractions;

namespace Tessera.Jobs.Tests;

public class WorkerTests(ITestOutputHelper output)
{
    private static JobRequest Count(int to, int delayMs, int? maxAttempts = null) =>
        new("system.count", new JsonObject { ["to"] = to, ["delay_ms"] = delayMs }) { MaxAttempts = maxAttempts };

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task A_worker_runs_a_job_to_success_with_progress_and_checkpoints(string dialect)
    {
        await using var harness = await JobsHarness.CreateAsync(dialect);
        var job = (await harness.Jobs.EnqueueAsync(JobsHarness.Alice, Count(5, 0))).Job;
        await using (new RunningWorker(harness.NewWorker()))
        {
            var done = await harness.WaitForTerminalAsync(job.Id);
            Assert.Equal(JobState.Succeeded, done.State);
            Assert.Equal(5, done.Result!["count"]!.GetValue<long>());
            Assert.Equal(0, done.Result!["resumed_from"]!.GetValue<long>());
            Assert.Equal(new JobProgress(5, 5, null), done.Progress);
            Assert.Equal(5, done.Checkpoint!["done"]!.GetValue<long>());
            Assert.Null(done.LeaseOwner);
            Assert.NotNull(done.StartedAt);
            Assert.NotNull(done.FinishedAt);
        }
        var events = await harness.Jobs.GetEventsAsync(JobScope.Operator, job.Id);
        Assert.Equal(5, events.Count(e => e.Type == JobEventTypes.Progress));
        Assert.Equal(["queued", "running", "succeeded"], events.Where(e => e.Type == JobEventTypes.State).Select(e => e.ToState));
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task Transient_errors_retry_with_backoff_and_permanent_errors_fail_at_once(string dialect)
    {
        await using var harness = await JobsHarness.CreateAsync(dialect);
        var recovers = (await harness.Jobs.EnqueueAsync(JobsHarness.Alice,
            new JobRequest("system.echo", new JsonObject { ["value"] = "ok", ["transient_failures"] = 2 }) { MaxAttempts = 5 })).Job;
        var exhausts = (await harness.Jobs.EnqueueAsync(JobsHarness.Alice,
            new JobRequest("system.echo", new JsonObject { ["value"] = "no", ["transient_failures"] = 9 }) { MaxAttempts = 2 })).Job;
        var permanent = (await harness.Jobs.EnqueueAsync(JobsHarness.Alice,
            new JobRequest("system.echo", new JsonObject { ["fail"] = "bad input" }) { MaxAttempts = 5 })).Job;
        await using (new RunningWorker(harness.NewWorker()))
        {
            var ok = await harness.WaitForTerminalAsync(recovers.Id);
            Assert.Equal(JobState.Succeeded, ok.State);
            Assert.Equal(3, ok.Attempts);
            Assert.Null(ok.Error);
            Assert.Equal("ok", ok.Result!.GetValue<string>());

            var failed = await harness.WaitForTerminalAsync(exhausts.Id);
            Assert.Equal(JobState.Failed, failed.State);
            Assert.Equal(2, failed.Attempts);
            Assert.Equal(JobErrorCodes.RetriesExhausted, failed.Error!.Code);

            var rejected = await harness.WaitForTerminalAsync(permanent.Id);
            Assert.Equal(JobState.Failed, rejected.State);
            Assert.Equal(1, rejected.Attempts);
            Assert.Equal(new JobError("ECHO_FAILED", "bad input", null), rejected.Error);
        }
        var states = (await harness.Jobs.GetEventsAsync(JobScope.Operator, recovers.Id)).Where(e => e.Type == JobEventTypes.State).Select(e => e.ToState);
        Assert.Equal(["queued", "running", "retrying", "running", "retrying", "running", "succeeded"], states);
    }

    [Fact]
    public void Backoff_grows_exponentially_with_jitter_and_a_cap()
    {
        var backoff = new RetryBackoff(new Random(42), new JobsOptions { BackoffMax = TimeSpan.FromSeconds(10) });
        for (var attempt = 1; attempt <= 8; attempt++)
        {
            var full = Math.Min(100 * Math.Pow(2, attempt - 1), 10_000);
            var delay = backoff.Delay(attempt, TimeSpan.FromMilliseconds(100)).TotalMilliseconds;
            Assert.InRange(delay, full / 2, full);
        }
        var again = new RetryBackoff(new Random(42), new JobsOptions { BackoffMax = TimeSpan.FromSeconds(10) });
        var first = new RetryBackoff(new Random(42), new JobsOptions { BackoffMax = TimeSpan.FromSeconds(10) });
        Assert.Equal(first.Delay(3, TimeSpan.FromSeconds(1)), again.Delay(3, TimeSpan.FromSeconds(1)));
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task Cancelling_a_running_job_reaches_its_handler_within_a_second(string dialect)
    {
        await using var harness = await JobsHarness.CreateAsync(dialect);
        var queued = (await harness.Jobs.EnqueueAsync(JobsHarness.Alice, Count(1, 0) with { RunAt = DateTimeOffset.UtcNow.AddHours(1) })).Job;
        Assert.Equal(JobState.Cancelled, (await harness.Jobs.CancelAsync(JobScope.Of(JobsHarness.Alice), queued.Id)).State);

        var job = (await harness.Jobs.EnqueueAsync(JobsHarness.Alice, Count(100_000, 20))).Job;
        await using (new RunningWorker(harness.NewWorker()))
        {
            await harness.WaitForAsync(job.Id, j => j.Progress.Done >= 2);
            var clock = Stopwatch.StartNew();
            await harness.Jobs.CancelAsync(JobScope.Of(JobsHarness.Alice), job.Id);
            var cancelled = await harness.WaitForTerminalAsync(job.Id);
            clock.Stop();
            output.WriteLine($"{dialect}: cancel → cancelled in {clock.ElapsedMilliseconds} ms");
            Assert.Equal(JobState.Cancelled, cancelled.State);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"cancellation took {clock.ElapsedMilliseconds} ms");
        }
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task A_dead_workers_job_is_recovered_after_its_lease_and_resumes_from_its_checkpoint(string dialect)
    {
        await using var harness = await JobsHarness.CreateAsync(dialect);
        var job = (await harness.Jobs.EnqueueAsync(JobsHarness.Alice, Count(6, 0))).Job;
        // A worker claims it, gets to 3, then dies: no more heartbeats, no outcome.
        Assert.Single(await harness.Claims.ClaimAsync("dead-worker", ["system.count"], 1, CancellationToken.None));
        Assert.True(await harness.Leases.SaveCheckpointAsync(job.Id, new Tessera.Jobs.Storage.JobLease("dead-worker", 1), new JsonObject { ["done"] = 3 }, CancellationToken.None));

        await using (new RunningWorker(harness.NewWorker()))
        {
            var done = await harness.WaitForTerminalAsync(job.Id);
            Assert.Equal(JobState.Succeeded, done.State);
            Assert.Equal(3, done.Result!["resumed_from"]!.GetValue<long>());
            Assert.Equal(2, done.Attempts);
        }
        var events = await harness.Jobs.GetEventsAsync(JobScope.Operator, job.Id);
        Assert.Contains(events, e => e.Message == "resumed from checkpoint 3");
        Assert.Equal(3, events.Count(e => e.Type == JobEventTypes.Progress));
        Assert.Equal(["queued", "running", "queued", "running", "succeeded"], events.Where(e => e.Type == JobEventTypes.State).Select(e => e.ToState));
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task A_stopping_worker_gives_its_jobs_back_to_the_queue(string dialect)
    {
        await using var harness = await JobsHarness.CreateAsync(dialect);
        var job = (await harness.Jobs.EnqueueAsync(JobsHarness.Alice, Count(100_000, 20))).Job;
        await using (new RunningWorker(harness.NewWorker()))
        {
            await harness.WaitForAsync(job.Id, j => j.Progress.Done >= 2);
        }
        var released = await harness.Jobs.GetAsync(JobScope.Operator, job.Id);
        Assert.Equal(JobState.Queued, released.State);
        Assert.Null(released.LeaseOwner);
        Assert.True(released.Checkpoint!["done"]!.GetValue<long>() >= 2);
    }
}
