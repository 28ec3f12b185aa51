using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Data.Identity;
using Tessera.Jobs.Http;
using Tessera.Testing;

namespace Tessera.Jobs.Tests;

public class EventStreamLimitTests
{
    /// <summary>A job that stays queued for an hour, so its stream stays open until something closes it.</summary>
    private static async Task<string> WaitingJobAsync(TesseraAppFactory app)
    {
        var created = await app.SendAsync(HttpMethod.Post, "/api/v1/jobs", JobsHarness.Alice,
            new { kind = "system.noop", input = new JsonObject(), run_at = DateTimeOffset.UtcNow.AddHours(1) });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return JsonNode.Parse(await created.Content.ReadAsStringAsync())!["id"]!.GetValue<string>();
    }

    private static async Task<HttpResponseMessage> OpenStreamAsync(TesseraAppFactory app, HttpClient client, string jobId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/jobs/{jobId}/events/stream");
        await app.AuthorizeAsync(request, JobsHarness.Alice);
        return await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task An_open_stream_closes_once_its_token_is_revoked(string dialect)
    {
        await using var app = await JobsApi.CreateAsync(dialect, new Dictionary<string, string?> { ["jobs:stream_recheck_ms"] = "200" });
        var id = await WaitingJobAsync(app);
        using var stream = await OpenStreamAsync(app, app.CreateClient(), id);
        Assert.Equal(HttpStatusCode.OK, stream.StatusCode);

        await app.Services.GetRequiredService<TokenService>().RevokeAnyAsync(await app.TokenAsync(JobsHarness.Alice), new AuditActor(null, null, "test"));

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        var text = await stream.Content.ReadAsStringAsync(timeout.Token);
        Assert.EndsWith($"event: closed\ndata: {{\"code\":\"{JobEventStream.TokenNoLongerValidCode}\"}}\n\n", text, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task One_token_holds_at_most_the_configured_number_of_streams(string dialect)
    {
        await using var app = await JobsApi.CreateAsync(dialect, new Dictionary<string, string?> { ["jobs:streams_per_token"] = "2" });
        var id = await WaitingJobAsync(app);
        var client = app.CreateClient();
        using var first = await OpenStreamAsync(app, client, id);
        using var second = await OpenStreamAsync(app, client, id);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);

        using var third = await OpenStreamAsync(app, client, id);
        Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
        Assert.Equal(JobStreamSlots.TooManyStreamsCode, JsonNode.Parse(await third.Content.ReadAsStringAsync())!["code"]!.GetValue<string>());
        Assert.NotNull(third.Headers.RetryAfter);

        // Closing a stream gives its slot back.
        first.Dispose();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        HttpResponseMessage reopened;
        while ((reopened = await OpenStreamAsync(app, client, id)).StatusCode == HttpStatusCode.TooManyRequests && DateTime.UtcNow < deadline)
        {
            reopened.Dispose();
            await Task.Delay(100);
        }
        using (reopened) Assert.Equal(HttpStatusCode.OK, reopened.StatusCode);
    }
}
