using System.Text.Json.Nodes;
using Dapper;
using Tessera.Core.Errors;
using Tessera.Jobs.Storage;
using Tessera.Testing;

namespace Tessera.Jobs.Tests;

public class StateMachineTests
{
    /// <summary>The whole table, written out: every pair not listed here must be refused.</summary>
    private static readonly HashSet<(JobState From, JobState To)> Allowed =
    [
        (JobState.Waiting, JobState.Queued), (JobState.Waiting, JobState.Failed), (JobState.Waiting, JobState.Skipped), (JobState.Waiting, JobState.Cancelled),
        (JobState.Queued, JobState.Running), (JobState.Queued, JobState.Cancelled),
        (JobState.Running, JobState.Succeeded), (JobState.Running, JobState.Failed), (JobState.Running, JobState.Cancelled),
        (JobState.Running, JobState.Retrying), (JobState.Running, JobState.Queued), (JobState.Running, JobState.Waiting),
        (JobState.Retrying, JobState.Running), (JobState.Retrying, JobState.Cancelled),
    ];

    public static TheoryData<JobState, JobState> AllPairs()
    {
        var data = new TheoryData<JobState, JobState>();
        foreach (var from in Enum.GetValues<JobState>())
            foreach (var to in Enum.GetValues<JobState>()) data.Add(from, to);
        return data;
    }

    [Theory]
    [MemberData(nameof(AllPairs))]
    public void Every_transition_is_allowed_or_refused_as_the_table_says(JobState from, JobState to)
    {
        var expected = Allowed.Contains((from, to));
        Assert.Equal(expected, JobStateMachine.CanTransition(from, to));
        if (expected) JobStateMachine.Ensure(from, to);
        else Assert.Equal(JobStateMachine.InvalidTransitionCode, Assert.Throws<TesseraException>(() => JobStateMachine.Ensure(from, to)).Code);
    }

    [Fact]
    public void Terminal_states_have_no_way_out()
    {
        foreach (var from in Enum.GetValues<JobState>().Where(s => s.IsTerminal()))
            Assert.All(Enum.GetValues<JobState>(), to => Assert.False(JobStateMachine.CanTransition(from, to)));
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task The_database_applies_exactly_the_allowed_transitions(string dialect)
    {
        await using var harness = await JobsHarness.CreateAsync(dialect);
        var database = harness.Scratch.Database;
        var transitions = new JobTransitions(TimeProvider.System);
        var job = (await harness.Jobs.EnqueueAsync(JobsHarness.Alice, new JobRequest("system.noop", new JsonObject()) { RunAt = DateTimeOffset.UtcNow.AddDays(1) })).Job;

        foreach (var from in Enum.GetValues<JobState>())
        {
            foreach (var to in Enum.GetValues<JobState>())
            {
                var applied = await database.InTransactionAsync(async (connection, transaction) =>
                {
                    await connection.ExecuteAsync("UPDATE jobs SET state = @state WHERE id = @id", new { state = from.Name(), id = job.Id }, transaction);
                    try
                    {
                        return await transitions.TryAsync(connection, transaction, database.Dialect, job.Id, from, to, TransitionChanges.None, CancellationToken.None);
                    }
                    catch (TesseraException e) when (e.Code == JobStateMachine.InvalidTransitionCode)
                    {
                        return false;
                    }
                });
                Assert.True(Allowed.Contains((from, to)) == applied, $"{from} → {to}: applied={applied}");
                var stored = await harness.Jobs.GetAsync(JobScope.Operator, job.Id);
                Assert.Equal(applied ? to : from, stored.State);
            }
        }

        // A transition whose expected state no longer holds writes nothing (a lost race, a stale worker).
        await database.InTransactionAsync(async (connection, transaction) =>
        {
            await connection.ExecuteAsync("UPDATE jobs SET state = 'succeeded' WHERE id = @id", new { id = job.Id }, transaction);
            Assert.False(await transitions.TryAsync(connection, transaction, database.Dialect, job.Id, JobState.Running, JobState.Failed, TransitionChanges.None, CancellationToken.None));
        });
        var events = await harness.Jobs.GetEventsAsync(JobScope.Operator, job.Id, 0, 5000);
        Assert.Equal(Allowed.Count + 1, events.Count);
        Assert.Equal(Enumerable.Range(1, events.Count).Select(i => (long)i), events.Select(e => e.Seq));
    }
}
