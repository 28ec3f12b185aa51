using System.Text.Json.Nodes;
using Dapper;
using Tessera.Testing;
using Xunit.Abstractions;

namespace Tessera.Jobs.Tests;

/// <summary>
/// 2,000 checkpointing jobs, 3 worker processes, random SIGKILLs: every job must succeed exactly once (one
/// succeeded transition, written under its lease), and jobs cut off mid-way must resume from their checkpoint.
/// </summary>
public class CrashTests(ITestOutputHelper output)
{
    private const int JobCount = 2000;
    private const int Steps = 3;

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task Jobs_complete_exactly_once_across_worker_processes_killed_at_random(string dialect)
    {
        await using var harness = await JobsHarness.CreateAsync(dialect);
        var request = new JobRequest("system.count", new JsonObject { ["to"] = Steps, ["delay_ms"] = 25 }) { MaxAttempts = 100 };
        await harness.Scratch.Database.InTransactionAsync(async (connection, transaction) =>
        {
            for (var i = 0; i < JobCount; i++) await harness.Jobs.EnqueueAsync(JobsHarness.Alice, request, connection, transaction);
        });

        var environment = new Dictionary<string, string>
        {
            ["TESSERA__JOBS__LEASE_SECONDS"] = "2",
            ["TESSERA__JOBS__HEARTBEAT_MS"] = "250",
            ["TESSERA__JOBS__POLL_MS"] = "200",
        };
        WorkerProcess Start() => new(harness.Scratch.DataDir, harness.Scratch.Target, 8, "system.count", environment);
        var workers = new List<WorkerProcess> { Start(), Start(), Start() };
        var random = new Random(20261121);
        var kills = 0;
        var deadline = DateTime.UtcNow.AddMinutes(5);
        try
        {
            while (await OpenCountAsync(harness) > 0)
            {
                Assert.True(DateTime.UtcNow < deadline, $"jobs still open after 5 minutes ({kills} kills)");
                // The first kill comes as soon as work is under way, so a fast machine cannot finish every job first.
                await Task.Delay(kills == 0 ? 50 : random.Next(1000, 2500));
                if (kills < 6 && await SucceededCountAsync(harness) > 0)
                {
                    var victim = random.Next(workers.Count);
                    workers[victim].Kill();
                    workers[victim].Dispose();
                    workers[victim] = Start();
                    kills++;
                }
            }
        }
        finally
        {
            foreach (var worker in workers) worker.Dispose();
        }
        Assert.True(kills > 0, "every job finished before a worker was killed: nothing about recovery was tested");

        await using var connection = await harness.Scratch.Database.OpenConnectionAsync();
        var states = (await connection.QueryAsync<(string State, long Count)>("SELECT state, COUNT(*) FROM jobs GROUP BY state")).ToDictionary(r => r.State, r => r.Count);
        Assert.Equal(JobCount, states.GetValueOrDefault("succeeded"));
        var completions = (await connection.QueryAsync<long>(
            "SELECT COUNT(*) FROM job_events WHERE type = 'state' AND to_state = 'succeeded' GROUP BY job_id")).ToList();
        Assert.Equal(JobCount, completions.Count);
        Assert.All(completions, c => Assert.Equal(1, c));

        var jobs = await harness.Jobs.ListAsync(JobScope.Operator, new JobListQuery(Limit: 1000));
        var all = (await connection.QueryAsync<(string Result, long Attempts)>("SELECT result, attempts FROM jobs")).ToList();
        var recovered = all.Count(j => j.Attempts > 1);
        var resumed = all.Count(j => JsonNode.Parse(j.Result)!["resumed_from"]!.GetValue<long>() > 0);
        Assert.All(all, j => Assert.Equal(Steps, JsonNode.Parse(j.Result)!["count"]!.GetValue<long>()));
        // A killed worker's jobs were re-run, and those it had checkpointed resumed rather than restarted.
        Assert.True(recovered > 0, "no job was ever re-run after a kill");
        Assert.True(resumed > 0, "no job resumed from a checkpoint");
        var progressBeyondSteps = await connection.ExecuteScalarAsync<long>(
            $"SELECT COUNT(*) FROM (SELECT job_id FROM job_events WHERE type = 'progress' GROUP BY job_id HAVING COUNT(*) > {Steps}) x");
        output.WriteLine($"{dialect}: {JobCount} jobs, {kills} SIGKILLs, {recovered} re-run after a lease expired, {resumed} resumed from a checkpoint, {progressBeyondSteps} repeated a checkpointed step");
        Assert.Equal(0, progressBeyondSteps);
        Assert.NotEmpty(jobs);
    }

    private static async Task<long> OpenCountAsync(JobsHarness harness)
    {
        await using var connection = await harness.Scratch.Database.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM jobs WHERE state NOT IN ('succeeded', 'failed', 'cancelled', 'skipped')");
    }

    private static async Task<long> SucceededCountAsync(JobsHarness harness)
    {
        await using var connection = await harness.Scratch.Database.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM jobs WHERE state = 'succeeded'");
    }
}
