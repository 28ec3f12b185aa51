using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Tessera.Testing;
using static Tessera.Server.Tests.AuthTestKit;
using static Tessera.Testing.JobPolling;

namespace Tessera.Server.Tests;

/// <summary>Job enqueue, cancel and retry under many conflicting requests at once, on both dialects.</summary>
public class JobRaceTests
{
    private const int Requests = 12;

    private static async Task<JsonElement> Json(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    private static async Task<string> EnqueueAsync(HttpClient client, object body)
    {
        var created = await client.PostAsJsonAsync("/api/v1/jobs", body);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return (await Json(created)).GetProperty("id").GetString()!;
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task Enqueuing_with_one_idempotency_key_at_once_creates_one_job(string dialect)
    {
        await using var app = await TesseraAppFactory.CreateAsync(dialect);
        var (client, _, _, _) = await SignInAsync(app, "alice@example.com", "lab");

        var responses = await Races.RunAsync(Requests, _ => client.PostAsJsonAsync("/api/v1/jobs",
            new { kind = "system.noop", input = (object?)null, idempotency_key = "once", run_at = DateTimeOffset.UtcNow.AddDays(1) }));

        await Races.AssertNoServerErrorsAsync(responses);
        var counts = Races.CountByStatus(responses);
        Assert.Equal(1, counts.GetValueOrDefault(HttpStatusCode.Created));
        Assert.Equal(Requests - 1, counts.GetValueOrDefault(HttpStatusCode.OK));
        var ids = new HashSet<string>();
        foreach (var response in responses) ids.Add((await Json(response)).GetProperty("id").GetString()!);
        Assert.Single(ids);
        Assert.Single((await Json(await client.GetAsync(new Uri("/api/v1/jobs", UriKind.Relative)))).EnumerateArray());
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task Cancelling_one_job_many_times_at_once_cancels_it_once(string dialect)
    {
        await using var app = await TesseraAppFactory.CreateAsync(dialect);
        var (client, _, _, _) = await SignInAsync(app, "alice@example.com", "lab");
        var id = await EnqueueAsync(client, new { kind = "system.noop", input = (object?)null, run_at = DateTimeOffset.UtcNow.AddDays(1) });

        var responses = await Races.RunAsync(Requests, _ => client.PostAsync(new Uri($"/api/v1/jobs/{id}/cancel", UriKind.Relative), null));

        await Races.AssertNoServerErrorsAsync(responses);
        var counts = Races.CountByStatus(responses);
        Assert.Equal(1, counts.GetValueOrDefault(HttpStatusCode.OK));
        Assert.Equal(Requests - 1, counts.GetValueOrDefault(HttpStatusCode.Conflict));
        var events = (await Json(await client.GetAsync(new Uri($"/api/v1/jobs/{id}/events", UriKind.Relative)))).EnumerateArray().ToList();
        Assert.Single(events, e => e.GetProperty("to_state").ValueKind == JsonValueKind.String && e.GetProperty("to_state").GetString() == "cancelled");
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task Retrying_one_failed_job_many_times_at_once_retries_it_once(string dialect)
    {
        await using var app = await TesseraAppFactory.CreateAsync(dialect);
        var (client, _, _, _) = await SignInAsync(app, "alice@example.com", "lab");
        var id = await EnqueueAsync(client, new { kind = "system.echo", input = new { value = 1, fail = "on purpose" }, max_attempts = 1 });
        Assert.Equal("failed", (await WaitForJobAsync(client, id)).GetProperty("state").GetString());

        var responses = await Races.RunAsync(Requests, _ => client.PostAsync(new Uri($"/api/v1/jobs/{id}/retry", UriKind.Relative), null));

        await Races.AssertNoServerErrorsAsync(responses);
        var counts = Races.CountByStatus(responses);
        Assert.Equal(1, counts.GetValueOrDefault(HttpStatusCode.Created));
        Assert.Equal(Requests - 1, counts.GetValueOrDefault(HttpStatusCode.Conflict));
        foreach (var refused in responses.Where(r => r.StatusCode == HttpStatusCode.Conflict))
            Assert.Equal(Jobs.JobErrorCodes.AlreadyRetried, await CodeOf(refused));
        var jobs = (await Json(await client.GetAsync(new Uri("/api/v1/jobs?kind=system.echo", UriKind.Relative)))).EnumerateArray().ToList();
        Assert.Equal(2, jobs.Count);
    }
}
