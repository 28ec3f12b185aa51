using System.Net;
using System.Text.Json.Nodes;
using Tessera.Testing;

namespace Tessera.Jobs.Tests;

public class ApiTests
{
    private static readonly JobOwner Carol = new(Guid.Parse("00000000-0000-0000-0000-0000000ca201"), JobsHarness.Alice.OrgId);

    private static object Delayed(string kind, JsonNode input) => new { kind, input, run_at = DateTimeOffset.UtcNow.AddHours(1) };

    private static async Task<JsonNode> Body(HttpResponseMessage response) => JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task Another_users_job_answers_exactly_like_a_missing_one(string dialect)
    {
        await using var app = await JobsApi.CreateAsync(dialect);
        var created = await app.SendAsync(HttpMethod.Post, "/api/v1/jobs", JobsHarness.Alice, Delayed("system.noop", new JsonObject()));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var job = await Body(created);
        Assert.Equal("queued", job["state"]!.GetValue<string>());
        var id = job["id"]!.GetValue<string>();

        var own = await app.SendAsync(HttpMethod.Get, $"/api/v1/jobs/{id}", JobsHarness.Alice);
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        Assert.Equal(id, (await Body(own))["id"]!.GetValue<string>());

        // Same organization, other user; and another organization: both read it as missing.
        foreach (var stranger in new[] { Carol, JobsHarness.Bob })
        {
            foreach (var (method, path) in new[] { (HttpMethod.Get, $"/api/v1/jobs/{id}"), (HttpMethod.Get, $"/api/v1/jobs/{id}/events"), (HttpMethod.Post, $"/api/v1/jobs/{id}/cancel"), (HttpMethod.Post, $"/api/v1/jobs/{id}/retry") })
            {
                var foreign = await app.SendAsync(method, path, stranger);
                var missing = await app.SendAsync(method, path.Replace(id, Guid.NewGuid().ToString(), StringComparison.Ordinal), stranger);
                Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
                Assert.Equal(await missing.Content.ReadAsStringAsync(), await foreign.Content.ReadAsStringAsync());
                Assert.Equal("RESOURCE_NOT_FOUND", (await Body(foreign))["code"]!.GetValue<string>());
            }
            var list = (await Body(await app.SendAsync(HttpMethod.Get, "/api/v1/jobs", stranger))).AsArray();
            Assert.Empty(list);
        }
        Assert.Equal(JobState.Queued.Name(), (await Body(await app.SendAsync(HttpMethod.Get, $"/api/v1/jobs/{id}", JobsHarness.Alice)))["state"]!.GetValue<string>());
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task Callers_need_authentication_and_the_jobs_permissions(string dialect)
    {
        await using var app = await JobsApi.CreateAsync(dialect);
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.SendAsync(HttpMethod.Get, "/api/v1/jobs", null)).StatusCode);
        var readOnly = await app.SendAsync(HttpMethod.Post, "/api/v1/jobs", JobsHarness.Alice, Delayed("system.noop", new JsonObject()), permissions: "jobs:read");
        Assert.Equal(HttpStatusCode.Forbidden, readOnly.StatusCode);
        Assert.Equal("FORBIDDEN", (await Body(readOnly))["code"]!.GetValue<string>());
        var noRead = await app.SendAsync(HttpMethod.Get, "/api/v1/jobs", JobsHarness.Alice, permissions: "runs:read");
        Assert.Equal(HttpStatusCode.Forbidden, noRead.StatusCode);
        var unknownKind = await app.SendAsync(HttpMethod.Post, "/api/v1/jobs", JobsHarness.Alice, Delayed("no.such.kind", new JsonObject()));
        Assert.Equal(HttpStatusCode.BadRequest, unknownKind.StatusCode);
        Assert.Equal(JobErrorCodes.UnknownKind, (await Body(unknownKind))["code"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.BadRequest, (await app.SendAsync(HttpMethod.Get, "/api/v1/jobs?state=sleeping", JobsHarness.Alice)).StatusCode);
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task Enqueue_is_idempotent_per_key_and_lists_filter_by_state_and_kind(string dialect)
    {
        await using var app = await JobsApi.CreateAsync(dialect);
        var body = Delayed("system.count", new JsonObject { ["to"] = 2 });
        var first = await app.SendAsync(HttpMethod.Post, "/api/v1/jobs", JobsHarness.Alice, body, idempotencyKey: "k-1");
        var again = await app.SendAsync(HttpMethod.Post, "/api/v1/jobs", JobsHarness.Alice, body, idempotencyKey: "k-1");
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal((await Body(first))["id"]!.GetValue<string>(), (await Body(again))["id"]!.GetValue<string>());
        var reused = await app.SendAsync(HttpMethod.Post, "/api/v1/jobs", JobsHarness.Alice, Delayed("system.count", new JsonObject { ["to"] = 3 }), idempotencyKey: "k-1");
        Assert.Equal(HttpStatusCode.Conflict, reused.StatusCode);
        Assert.Equal("IDEMPOTENCY_KEY_REUSED", (await Body(reused))["code"]!.GetValue<string>());

        await app.SendAsync(HttpMethod.Post, "/api/v1/jobs", JobsHarness.Alice, Delayed("system.noop", new JsonObject()));
        Assert.Single((await Body(await app.SendAsync(HttpMethod.Get, "/api/v1/jobs?kind=system.count", JobsHarness.Alice))).AsArray());
        Assert.Equal(2, (await Body(await app.SendAsync(HttpMethod.Get, "/api/v1/jobs?state=queued", JobsHarness.Alice))).AsArray().Count);
        Assert.Empty((await Body(await app.SendAsync(HttpMethod.Get, "/api/v1/jobs?state=running", JobsHarness.Alice))).AsArray());
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task Inputs_over_the_size_limit_are_refused_and_the_list_leaves_inputs_out(string dialect)
    {
        await using var app = await JobsApi.CreateAsync(dialect);
        var huge = await app.SendAsync(HttpMethod.Post, "/api/v1/jobs", JobsHarness.Alice,
            Delayed("system.noop", new JsonObject { ["padding"] = new string('x', JobsOptions.DefaultMaxInputBytes) }));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, huge.StatusCode);
        Assert.Equal("PAYLOAD_TOO_LARGE", (await Body(huge))["code"]!.GetValue<string>());

        var created = await Body(await app.SendAsync(HttpMethod.Post, "/api/v1/jobs", JobsHarness.Alice,
            Delayed("system.noop", new JsonObject { ["note"] = new string('y', 1000) })));
        var listed = Assert.Single((await Body(await app.SendAsync(HttpMethod.Get, "/api/v1/jobs", JobsHarness.Alice))).AsArray())!;
        Assert.Equal(created["id"]!.GetValue<string>(), listed["id"]!.GetValue<string>());
        Assert.Null(listed["input"]);
        var one = await Body(await app.SendAsync(HttpMethod.Get, $"/api/v1/jobs/{created["id"]}", JobsHarness.Alice));
        Assert.Equal(1000, one["input"]!["note"]!.GetValue<string>().Length);
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task Priorities_outside_the_documented_range_and_delays_beyond_a_week_are_refused(string dialect)
    {
        await using var app = await JobsApi.CreateAsync(dialect);
        var soon = DateTimeOffset.UtcNow.AddHours(1);
        async Task<HttpResponseMessage> Enqueue(int priority, DateTimeOffset runAt) =>
            await app.SendAsync(HttpMethod.Post, "/api/v1/jobs", JobsHarness.Alice, new { kind = "system.noop", input = new JsonObject(), priority, run_at = runAt });

        foreach (var priority in new[] { int.MaxValue, JobRequest.MaxPriority + 1, JobRequest.MinPriority - 1, int.MinValue })
        {
            var refused = await Enqueue(priority, soon);
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Equal("VALIDATION_FAILED", (await Body(refused))["code"]!.GetValue<string>());
        }
        var tooLate = await Enqueue(0, DateTimeOffset.UtcNow + JobRequest.MaxDelay + TimeSpan.FromHours(1));
        Assert.Equal(HttpStatusCode.BadRequest, tooLate.StatusCode);
        Assert.Equal("VALIDATION_FAILED", (await Body(tooLate))["code"]!.GetValue<string>());

        Assert.Equal(HttpStatusCode.Created, (await Enqueue(JobRequest.MaxPriority, soon)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await Enqueue(JobRequest.MinPriority, DateTimeOffset.UtcNow + JobRequest.MaxDelay - TimeSpan.FromHours(1))).StatusCode);
        // Only the two accepted jobs were stored.
        Assert.Equal(2, (await Body(await app.SendAsync(HttpMethod.Get, "/api/v1/jobs", JobsHarness.Alice))).AsArray().Count);
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task Cancel_and_retry_follow_the_state_machine(string dialect)
    {
        await using var app = await JobsApi.CreateAsync(dialect);
        var queued = await Body(await app.SendAsync(HttpMethod.Post, "/api/v1/jobs", JobsHarness.Alice, Delayed("system.noop", new JsonObject())));
        var cancelled = await app.SendAsync(HttpMethod.Post, $"/api/v1/jobs/{queued["id"]}/cancel", JobsHarness.Alice);
        Assert.Equal("cancelled", (await Body(cancelled))["state"]!.GetValue<string>());
        var notFailed = await app.SendAsync(HttpMethod.Post, $"/api/v1/jobs/{queued["id"]}/retry", JobsHarness.Alice);
        Assert.Equal(HttpStatusCode.Conflict, notFailed.StatusCode);
        Assert.Equal(JobStateMachine.InvalidTransitionCode, (await Body(notFailed))["code"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Conflict, (await app.SendAsync(HttpMethod.Post, $"/api/v1/jobs/{queued["id"]}/cancel", JobsHarness.Alice)).StatusCode);

        // The server's in-process workers run this one; it fails permanently.
        var failing = await Body(await app.SendAsync(HttpMethod.Post, "/api/v1/jobs", JobsHarness.Alice, new { kind = "system.echo", input = new { fail = "nope" } }));
        var failedId = failing["id"]!.GetValue<string>();
        JsonNode failed;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        do
        {
            await Task.Delay(50);
            failed = await Body(await app.SendAsync(HttpMethod.Get, $"/api/v1/jobs/{failedId}", JobsHarness.Alice));
            Assert.True(DateTime.UtcNow < deadline, "the job never failed");
        }
        while (failed["state"]!.GetValue<string>() != "failed");
        Assert.Equal("ECHO_FAILED", failed["error"]!["code"]!.GetValue<string>());

        var retried = await app.SendAsync(HttpMethod.Post, $"/api/v1/jobs/{failedId}/retry", JobsHarness.Alice);
        Assert.Equal(HttpStatusCode.Created, retried.StatusCode);
        var retry = await Body(retried);
        Assert.Equal(failedId, retry["retry_of"]!.GetValue<string>());
        Assert.NotEqual(failedId, retry["id"]!.GetValue<string>());
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task Events_page_after_a_sequence_number_and_stream_as_server_sent_events(string dialect)
    {
        await using var app = await JobsApi.CreateAsync(dialect);
        var job = await Body(await app.SendAsync(HttpMethod.Post, "/api/v1/jobs", JobsHarness.Alice, new { kind = "system.count", input = new { to = 3, delay_ms = 50 } }));
        var id = job["id"]!.GetValue<string>();

        // The stream follows the job live and ends by itself once the job has ended.
        var stream = await app.SendAsync(HttpMethod.Get, $"/api/v1/jobs/{id}/events/stream", JobsHarness.Alice);
        Assert.Equal("text/event-stream", stream.Content.Headers.ContentType!.MediaType);
        var text = await stream.Content.ReadAsStringAsync();
        var frames = text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("id: 1\nevent: state\ndata: ", frames[0]);
        Assert.Contains("\"to_state\":\"succeeded\"", frames[^1]);
        Assert.Equal(3, frames.Count(f => f.Contains("event: progress", StringComparison.Ordinal)));

        var all = (await Body(await app.SendAsync(HttpMethod.Get, $"/api/v1/jobs/{id}/events", JobsHarness.Alice))).AsArray();
        Assert.Equal(frames.Length, all.Count);
        var after = (await Body(await app.SendAsync(HttpMethod.Get, $"/api/v1/jobs/{id}/events?after=2", JobsHarness.Alice))).AsArray();
        Assert.Equal(all.Count - 2, after.Count);
        Assert.Equal(3, after[0]!["seq"]!.GetValue<long>());

        using var resume = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/jobs/{id}/events/stream");
        await app.AuthorizeAsync(resume, JobsHarness.Alice);
        resume.Headers.Add("Last-Event-ID", (all.Count - 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
        var rest = await (await app.CreateClient().SendAsync(resume)).Content.ReadAsStringAsync();
        Assert.StartsWith($"id: {all.Count}\n", rest);
        Assert.Single(rest.Split("\n\n", StringSplitOptions.RemoveEmptyEntries));
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task A_job_that_throws_shows_its_message_and_code_but_no_stack_trace(string dialect)
    {
        await using var app = await JobsApi.CreateAsync(dialect);
        // A non-numeric transient_failures makes the echo handler throw an exception it does not classify.
        var failing = await Body(await app.SendAsync(HttpMethod.Post, "/api/v1/jobs", JobsHarness.Alice,
            new { kind = "system.echo", input = new { value = 1, transient_failures = "two" } }));
        var id = failing["id"]!.GetValue<string>();
        JsonNode job;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        do
        {
            await Task.Delay(50);
            job = await Body(await app.SendAsync(HttpMethod.Get, $"/api/v1/jobs/{id}", JobsHarness.Alice));
            Assert.True(DateTime.UtcNow < deadline, "the job never failed");
        }
        while (job["state"]!.GetValue<string>() != "failed");

        var error = job["error"]!;
        Assert.Equal(JobErrorCodes.HandlerError, error["code"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(error["message"]!.GetValue<string>()));
        Assert.DoesNotContain(" at ", error.ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain(".cs", error.ToJsonString(), StringComparison.Ordinal);
    }
}
