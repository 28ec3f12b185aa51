using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Data;
using Tessera.Jobs.Storage;
using Tessera.Testing;

namespace Tessera.Jobs.Tests;

public class QueueTests
{
    private static readonly string[] NoopKinds = ["system.noop"];

    private static JobRequest Noop(int priority = 0, DateTimeOffset? runAt = null) =>
        new("system.noop", new JsonObject()) { Priority = priority, RunAt = runAt };

    [Fact]
    public async Task A_claim_that_waited_for_the_write_lock_is_stamped_when_it_got_the_lock()
    {
        // A dependent job becomes claimable when its dependency's completion commits. A claimer that read the
        // clock before waiting behind that commit stamped the dependent as started before the dependency finished.
        var clock = new ManualTimeProvider(DateTimeOffset.UtcNow);
        await using var harness = await JobsHarness.CreateAsync("sqlite", configure: services => services.AddSingleton<TimeProvider>(clock));
        var job = (await harness.Jobs.EnqueueAsync(JobsHarness.Alice, Noop())).Job;
        var database = harness.Services.GetRequiredService<TesseraDatabase>();
        var lockHeld = new TaskCompletionSource();
        var release = new TaskCompletionSource();
        var holder = database.InTransactionAsync(async (_, _) =>
        {
            lockHeld.SetResult();
            await release.Task;
        });
        await lockHeld.Task;
        var claim = Task.Run(() => harness.Claims.ClaimAsync("w1", NoopKinds, 1, CancellationToken.None));
        await Task.Delay(200); // the claim is now waiting for the write lock
        Assert.False(claim.IsCompleted);
        clock.Advance(TimeSpan.FromMinutes(1));
        var lockReleasedAt = clock.GetUtcNow();
        release.SetResult();
        await holder;
        var claimed = Assert.Single(await claim);
        Assert.Equal(job.Id, claimed.Id);
        Assert.Equal(lockReleasedAt, (await harness.Jobs.GetAsync(JobScope.Operator, job.Id)).StartedAt);
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task A_claimer_limited_to_its_own_jobs_leaves_every_other_job_queued(string dialect)
    {
        // A CLI verb waiting on its execution runs a worker in its process: it must not take a job another process
        // enqueued (higher priority here), which it would drop half-run when it exits.
        await using var harness = await JobsHarness.CreateAsync(dialect);
        var others = (await harness.Jobs.EnqueueAsync(JobsHarness.Alice, Noop(priority: 9))).Job;
        var own = (await harness.Jobs.EnqueueAsync(JobsHarness.Alice, Noop(priority: 0))).Job;

        Assert.Empty(await harness.Claims.ClaimAsync("cli", NoopKinds, 5, [], CancellationToken.None));
        var claimed = await harness.Claims.ClaimAsync("cli", NoopKinds, 5, [own.Id], CancellationToken.None);
        Assert.Equal(own.Id, Assert.Single(claimed).Id);
        Assert.Empty(await harness.Claims.ClaimAsync("cli", NoopKinds, 5, [own.Id], CancellationToken.None));
        Assert.Equal(JobState.Queued, (await harness.Jobs.GetAsync(JobScope.Operator, others.Id)).State);
        Assert.Equal(others.Id, Assert.Single(await harness.Claims.ClaimAsync("server", NoopKinds, 5, CancellationToken.None)).Id);
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task A_claim_takes_the_highest_priority_due_jobs_and_leases_them(string dialect)
    {
        await using var harness = await JobsHarness.CreateAsync(dialect);
        var low = (await harness.Jobs.EnqueueAsync(JobsHarness.Alice, Noop(priority: 0))).Job;
        var high = (await harness.Jobs.EnqueueAsync(JobsHarness.Alice, Noop(priority: 5))).Job;
        var later = (await harness.Jobs.EnqueueAsync(JobsHarness.Alice, Noop(priority: 9, runAt: DateTimeOffset.UtcNow.AddHours(1)))).Job;

        var first = await harness.Claims.ClaimAsync("w1", NoopKinds, 1, CancellationToken.None);
        Assert.Equal(high.Id, Assert.Single(first).Id);
        var second = await harness.Claims.ClaimAsync("w2", NoopKinds, 5, CancellationToken.None);
        Assert.Equal(low.Id, Assert.Single(second).Id);
        Assert.Empty(await harness.Claims.ClaimAsync("w3", NoopKinds, 5, CancellationToken.None));

        var leased = await harness.Jobs.GetAsync(JobScope.Operator, high.Id);
        Assert.Equal(JobState.Running, leased.State);
        Assert.Equal("w1", leased.LeaseOwner);
        Assert.Equal(1, leased.Attempts);
        Assert.True(leased.LeaseExpiresAt > DateTimeOffset.UtcNow);
        Assert.Equal(JobState.Queued, (await harness.Jobs.GetAsync(JobScope.Operator, later.Id)).State);
        var events = await harness.Jobs.GetEventsAsync(JobScope.Operator, high.Id);
        Assert.Equal(["queued", "running"], events.Select(e => e.ToState));
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task Concurrent_claimers_never_take_the_same_job(string dialect)
    {
        await using var harness = await JobsHarness.CreateAsync(dialect);
        for (var i = 0; i < 200; i++) await harness.Jobs.EnqueueAsync(JobsHarness.Alice, Noop());
        var claims = await Task.WhenAll(Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            var mine = new List<Guid>();
            while (true)
            {
                var batch = await harness.Claims.ClaimAsync($"w{w}", NoopKinds, 7, CancellationToken.None);
                if (batch.Count == 0) return mine;
                mine.AddRange(batch.Select(b => b.Id));
            }
        })));
        var all = claims.SelectMany(c => c).ToList();
        Assert.Equal(200, all.Count);
        Assert.Equal(200, all.Distinct().Count());
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task Only_the_lease_holder_can_complete_and_a_stale_run_is_rejected(string dialect)
    {
        await using var harness = await JobsHarness.CreateAsync(dialect, new Dictionary<string, string?> { ["jobs:lease_seconds"] = "1", ["jobs:heartbeat_ms"] = "100" });
        var job = (await harness.Jobs.EnqueueAsync(JobsHarness.Alice, Noop())).Job;
        Assert.Single(await harness.Claims.ClaimAsync("w1", NoopKinds, 1, CancellationToken.None));

        // The worker stops heartbeating; its lease expires and the job goes back to the queue. The same worker
        // claims it again: the attempt number fences its first, stale run off.
        await Task.Delay(1200);
        Assert.Equal(1, await harness.Leases.RecoverExpiredAsync(CancellationToken.None));
        Assert.Equal(JobState.Queued, (await harness.Jobs.GetAsync(JobScope.Operator, job.Id)).State);
        Assert.Single(await harness.Claims.ClaimAsync("w1", NoopKinds, 1, CancellationToken.None));
        var stale = new JobLease("w1", 1);
        var current = new JobLease("w1", 2);

        var staleResult = new TransitionChanges { Result = "{\"by\":\"stale\"}" };
        Assert.False(await harness.Leases.FinishAsync(new JobOutcome(job.Id, stale, JobState.Succeeded, staleResult), CancellationToken.None));
        Assert.False(await harness.Leases.SaveCheckpointAsync(job.Id, stale, new JsonObject { ["done"] = 1 }, CancellationToken.None));
        Assert.False(await harness.Leases.ReportProgressAsync(job.Id, stale, 1, 1, null, CancellationToken.None));
        Assert.False(await harness.Leases.FinishAsync(new JobOutcome(job.Id, new JobLease("w2", 2), JobState.Succeeded, staleResult), CancellationToken.None));
        Assert.True(await harness.Leases.FinishAsync(new JobOutcome(job.Id, current, JobState.Succeeded, new TransitionChanges { Result = "{\"by\":\"current\"}" }), CancellationToken.None));
        Assert.False(await harness.Leases.FinishAsync(new JobOutcome(job.Id, current, JobState.Succeeded, staleResult), CancellationToken.None));

        var done = await harness.Jobs.GetAsync(JobScope.Operator, job.Id);
        Assert.Equal(JobState.Succeeded, done.State);
        Assert.Equal("current", done.Result!["by"]!.GetValue<string>());
        Assert.Equal(2, done.Attempts);
        var states = (await harness.Jobs.GetEventsAsync(JobScope.Operator, job.Id)).Select(e => e.ToState).ToList();
        Assert.Equal(["queued", "running", "queued", "running", "succeeded"], states);
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task A_kind_limit_caps_running_jobs_of_that_kind(string dialect)
    {
        await using var harness = await JobsHarness.CreateAsync(dialect, new Dictionary<string, string?> { ["jobs:kind_limits:system.noop"] = "2" });
        for (var i = 0; i < 5; i++) await harness.Jobs.EnqueueAsync(JobsHarness.Alice, Noop());
        var claimed = 0;
        for (var i = 0; i < 5; i++) claimed += (await harness.Claims.ClaimAsync($"w{i}", NoopKinds, 5, CancellationToken.None)).Count;
        Assert.Equal(2, claimed);
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task An_org_quota_caps_running_jobs_per_organization(string dialect)
    {
        await using var harness = await JobsHarness.CreateAsync(dialect, new Dictionary<string, string?> { ["jobs:org_max_running"] = "1" });
        for (var i = 0; i < 3; i++) await harness.Jobs.EnqueueAsync(JobsHarness.Alice, Noop());
        for (var i = 0; i < 3; i++) await harness.Jobs.EnqueueAsync(JobsHarness.Bob, Noop());
        var claimed = new List<JobRow>();
        for (var i = 0; i < 6; i++) claimed.AddRange(await harness.Claims.ClaimAsync($"w{i}", NoopKinds, 5, CancellationToken.None));
        Assert.Equal(2, claimed.Count);
        Assert.Equal(2, claimed.Select(c => c.OwnerOrgId).Distinct().Count());
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task A_worker_claims_only_kinds_it_has_handlers_for(string dialect)
    {
        await using var harness = await JobsHarness.CreateAsync(dialect);
        var echo = (await harness.Jobs.EnqueueAsync(JobsHarness.Alice, new JobRequest("system.echo", new JsonObject { ["value"] = 1 }))).Job;
        var noop = (await harness.Jobs.EnqueueAsync(JobsHarness.Alice, Noop())).Job;
        await using (new RunningWorker(harness.NewWorker(kinds: NoopKinds)))
        {
            await harness.WaitForTerminalAsync(noop.Id);
            await Task.Delay(300);
        }
        Assert.Equal(JobState.Queued, (await harness.Jobs.GetAsync(JobScope.Operator, echo.Id)).State);
    }
}
