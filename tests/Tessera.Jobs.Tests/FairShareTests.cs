using System.Text.Json.Nodes;
using Tessera.Testing;

namespace Tessera.Jobs.Tests;

/// <summary>Fair share between organizations: claim order, not timing.</summary>
public class FairShareTests
{
    private static readonly string[] NoopKinds = ["system.noop"];

    private static JobRequest Noop(int priority = 0) => new("system.noop", new JsonObject()) { Priority = priority };

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task An_organization_with_one_waiting_job_is_served_before_another_organizations_backlog_drains(string dialect)
    {
        await using var harness = await JobsHarness.CreateAsync(dialect);
        var backlog = new List<Guid>();
        for (var priority = 0; priority < 6; priority++)
            backlog.Add((await harness.Jobs.EnqueueAsync(JobsHarness.Alice, Noop(priority))).Job.Id);
        var running = new List<Guid>();
        for (var i = 0; i < 2; i++)
            running.Add(Assert.Single(await harness.Claims.ClaimAsync($"a{i}", NoopKinds, 1, CancellationToken.None)).Id);

        // Bob's job has the lowest priority there is; priorities order jobs within an organization, not across them.
        var bobs = (await harness.Jobs.EnqueueAsync(JobsHarness.Bob, Noop(JobRequest.MinPriority))).Job.Id;
        var next = Assert.Single(await harness.Claims.ClaimAsync("w", NoopKinds, 1, CancellationToken.None));
        var rest = new List<Guid>();
        for (var i = 0; i < 4; i++)
            rest.Add(Assert.Single(await harness.Claims.ClaimAsync("w", NoopKinds, 1, CancellationToken.None)).Id);

        Assert.Equal(bobs, next.Id);
        Assert.Equal([backlog[5], backlog[4]], running);
        Assert.Equal([backlog[3], backlog[2], backlog[1], backlog[0]], rest);
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task A_batch_claim_takes_the_waiting_organizations_in_turn(string dialect)
    {
        await using var harness = await JobsHarness.CreateAsync(dialect);
        for (var i = 0; i < 5; i++) await harness.Jobs.EnqueueAsync(JobsHarness.Alice, Noop(priority: 10));
        for (var i = 0; i < 3; i++) await harness.Jobs.EnqueueAsync(JobsHarness.Bob, Noop());

        var batch = await harness.Claims.ClaimAsync("w", NoopKinds, 4, CancellationToken.None);
        // Bob was served last, so the next claim starts with Alice's remaining jobs.
        var next = Assert.Single(await harness.Claims.ClaimAsync("w", NoopKinds, 1, CancellationToken.None));

        Assert.Equal(2, batch.Count(r => r.OwnerOrgId == JobsHarness.Alice.OrgId));
        Assert.Equal(2, batch.Count(r => r.OwnerOrgId == JobsHarness.Bob.OrgId));
        Assert.Equal(JobsHarness.Alice.OrgId, next.OwnerOrgId);
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task With_fair_share_off_jobs_run_in_plain_priority_order(string dialect)
    {
        await using var harness = await JobsHarness.CreateAsync(dialect, new Dictionary<string, string?> { ["jobs:fair_share"] = "false" });
        for (var i = 0; i < 4; i++) await harness.Jobs.EnqueueAsync(JobsHarness.Alice, Noop(priority: 5));
        await harness.Jobs.EnqueueAsync(JobsHarness.Bob, Noop());

        var claimed = await harness.Claims.ClaimAsync("w", NoopKinds, 4, CancellationToken.None);

        Assert.All(claimed, r => Assert.Equal(JobsHarness.Alice.OrgId, r.OwnerOrgId));
    }
}
