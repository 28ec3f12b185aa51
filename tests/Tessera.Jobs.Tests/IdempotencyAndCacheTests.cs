using System.Text.Json.Nodes;
using Dapper;
using Tessera.Core.Errors;
using Tessera.Testing;

namespace Tessera.Jobs.Tests;

public class IdempotencyAndCacheTests
{
    private static JobRequest Echo(JsonNode value) => new("system.echo", new JsonObject { ["value"] = value });

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task The_same_key_from_the_same_owner_returns_the_existing_job(string dialect)
    {
        await using var harness = await JobsHarness.CreateAsync(dialect);
        var request = new JobRequest("system.count", new JsonObject { ["to"] = 3, ["delay_ms"] = 0 }) { IdempotencyKey = "import-42" };
        var first = await harness.Jobs.EnqueueAsync(JobsHarness.Alice, request);
        // Same input written with other member order and spacing: the canonical form is equal.
        var again = await harness.Jobs.EnqueueAsync(JobsHarness.Alice, request with { Input = JsonNode.Parse("""{ "delay_ms": 0, "to": 3 }""") });
        Assert.True(first.Created);
        Assert.False(again.Created);
        Assert.Equal(first.Job.Id, again.Job.Id);

        var other = await harness.Jobs.EnqueueAsync(JobsHarness.Bob, request);
        Assert.True(other.Created);
        Assert.NotEqual(first.Job.Id, other.Job.Id);

        var conflict = await Assert.ThrowsAsync<TesseraException>(() => harness.Jobs.EnqueueAsync(JobsHarness.Alice, request with { Input = new JsonObject { ["to"] = 4 } }));
        Assert.Equal(409, conflict.Status);
        Assert.Equal(ErrorCodes.IdempotencyKeyReused, conflict.Code);
        Assert.Equal(2, (await harness.Jobs.ListAsync(JobScope.Operator, new JobListQuery())).Count);
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task Concurrent_enqueues_with_one_key_make_one_job(string dialect)
    {
        await using var harness = await JobsHarness.CreateAsync(dialect);
        var request = Echo(1) with { IdempotencyKey = "once", RunAt = DateTimeOffset.UtcNow.AddHours(1) };
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => harness.Jobs.EnqueueAsync(JobsHarness.Alice, request))));
        Assert.Single(results.Select(r => r.Job.Id).Distinct());
        Assert.Single(results, r => r.Created);
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task A_cacheable_kind_answers_a_repeated_input_from_the_cache_and_says_why_when_it_cannot(string dialect)
    {
        await using var harness = await JobsHarness.CreateAsync(dialect);
        var first = (await harness.Jobs.EnqueueAsync(JobsHarness.Alice, Echo("x"))).Job;
        Assert.Equal("no_prior_job", CacheReason(await harness.Jobs.GetEventsAsync(JobScope.Operator, first.Id)));
        var whileQueued = (await harness.Jobs.EnqueueAsync(JobsHarness.Alice, Echo("x"))).Job;
        Assert.Equal("prior_in_progress", CacheReason(await harness.Jobs.GetEventsAsync(JobScope.Operator, whileQueued.Id)));

        await using (new RunningWorker(harness.NewWorker()))
        {
            await harness.WaitForTerminalAsync(first.Id);
            await harness.WaitForTerminalAsync(whileQueued.Id);
        }

        // Same organization, same input and version: succeeded at once, without running.
        var hit = (await harness.Jobs.EnqueueAsync(JobsHarness.Alice, Echo("x"))).Job;
        Assert.Equal(JobState.Succeeded, hit.State);
        Assert.Equal(0, hit.Attempts);
        Assert.Equal("x", hit.Result!.GetValue<string>());
        Assert.NotNull(hit.CacheSourceId);
        var hitEvents = await harness.Jobs.GetEventsAsync(JobScope.Operator, hit.Id);
        Assert.Equal("cache_hit", hitEvents[0].Message);

        // Another organization never sees this organization's results.
        var bob = (await harness.Jobs.EnqueueAsync(JobsHarness.Bob, Echo("x"))).Job;
        Assert.Equal(JobState.Queued, bob.State);
        Assert.Equal("no_prior_job", CacheReason(await harness.Jobs.GetEventsAsync(JobScope.Operator, bob.Id)));

        // A prior failure is not a result.
        var failing = new JobRequest("system.echo", new JsonObject { ["fail"] = "boom" });
        var failed = (await harness.Jobs.EnqueueAsync(JobsHarness.Alice, failing)).Job;
        await using (new RunningWorker(harness.NewWorker()))
        {
            await harness.WaitForTerminalAsync(failed.Id);
            await harness.WaitForTerminalAsync(bob.Id);
        }
        var afterFailure = (await harness.Jobs.EnqueueAsync(JobsHarness.Alice, failing with { RunAt = DateTimeOffset.UtcNow.AddHours(1) })).Job;
        Assert.Equal("prior_failed", CacheReason(await harness.Jobs.GetEventsAsync(JobScope.Operator, afterFailure.Id)));

        // Results of an older handler version do not count.
        await using (var connection = await harness.Scratch.Database.OpenConnectionAsync())
            await connection.ExecuteAsync("UPDATE jobs SET kind_version = 0, input_signature = 'older-version' WHERE kind = 'system.echo' AND owner_org_id = @org", new { org = JobsHarness.Alice.OrgId });
        var afterUpgrade = (await harness.Jobs.EnqueueAsync(JobsHarness.Alice, Echo("x") with { RunAt = DateTimeOffset.UtcNow.AddHours(1) })).Job;
        Assert.Equal(JobState.Queued, afterUpgrade.State);
        Assert.Equal("kind_version_changed", CacheReason(await harness.Jobs.GetEventsAsync(JobScope.Operator, afterUpgrade.Id)));
    }

    private static string? CacheReason(IReadOnlyList<JobEvent> events) =>
        events.Single(e => e.Type == JobEventTypes.Cache).Data!["reason"]!.GetValue<string>();
}
