using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Testing;

namespace Tessera.Jobs.Tests;

public class EventStreamFinalEventTests
{
    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task A_job_finishing_between_the_streams_state_and_event_reads_still_sends_its_final_event(string dialect)
    {
        await using var app = await JobsApi.CreateAsync(dialect);
        var created = await app.SendAsync(HttpMethod.Post, "/api/v1/jobs", JobsHarness.Alice,
            new { kind = "system.noop", input = new JsonObject(), run_at = DateTimeOffset.UtcNow.AddHours(1) });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = Guid.Parse(JsonNode.Parse(await created.Content.ReadAsStringAsync())!["id"]!.GetValue<string>());
        var jobs = app.Services.GetRequiredService<JobService>();
        var caughtUp = (await jobs.GetEventsAsync(JobScope.Operator, id)).Max(e => e.Seq);

        // Once the stream has sent every event so far, the job ends exactly between its two reads of the next poll.
        var finished = 0;
        jobs.BetweenStateAndEventReads = async (jobId, after) =>
        {
            if (jobId == id && after == caughtUp && Interlocked.Exchange(ref finished, 1) == 0)
                await jobs.CancelAsync(JobScope.Operator, id);
        };

        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/jobs/{id}/events/stream");
        await app.AuthorizeAsync(request, JobsHarness.Alice);
        using var stream = await app.CreateClient().SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, stream.StatusCode);
        using var safety = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var text = await stream.Content.ReadAsStringAsync(safety.Token);

        Assert.Equal(1, finished);
        var lastData = text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries)[^1].Split('\n').Single(line => line.StartsWith("data: ", StringComparison.Ordinal));
        var last = JsonNode.Parse(lastData["data: ".Length..])!;
        Assert.Equal(JobState.Cancelled.Name(), last["to_state"]?.GetValue<string>());
        Assert.Equal(caughtUp + 1, last["seq"]!.GetValue<long>());
    }
}
