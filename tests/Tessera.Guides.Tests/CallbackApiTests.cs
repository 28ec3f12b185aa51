using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Guides.Callbacks;
using Tessera.Guides.Processing;
using Tessera.Jobs;
using Tessera.Testing;
using Tessera.Testing.Contracts;
using static Tessera.Guides.Tests.GuidesFixture;

namespace Tessera.Guides.Tests;

/// <summary>
/// A remote worker's signed callbacks over HTTP. The job engine's processing job only holds its place here, so the
/// test is the worker; everything else is the real server on both dialects.
/// </summary>
public class CallbackApiTests
{
    private const string Secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private const string Operation = "POST /api/v1/guides/internal/jobs/{jobId}/status";

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task Signed_callbacks_apply_once_replay_identically_and_refuse_reuse_old_sequences_and_bad_signatures(string dialect)
    {
        await using var app = await TesseraAppFactory.CreateAsync(dialect, RemoteWorker, new Dictionary<string, string?> { ["guides:callback_secrets"] = Secret });
        var (api, _, _) = await MemberClients.SignInAsync(app, "writer@example.org", "docs");
        var job = await UploadedJobAsync(api, await NarratedVideos.MakeAsync(withSubtitles: false));
        await PostAsync(api, job, "run", 202);

        const string processing = """{"job_id":"JOB","sequence":1,"status":"PROCESSING"}""";
        Assert.Equal(204, (await CallbackAsync(api, job, "evt_1", processing, 204)).Status);
        Assert.Equal(1, (await JobOfAsync(api, job))["last_sequence"]!.GetValue<long>());
        var replay = (await CallbackAsync(api, job, "evt_1", processing, 200)).Value;
        Assert.True(replay["replayed"]!.GetValue<bool>());
        Assert.Equal("PROCESSING", replay["status"]!.GetValue<string>());
        Assert.Equal("EVENT_ID_PAYLOAD_MISMATCH", Code(await CallbackAsync(api, job, "evt_1", """{"job_id":"JOB","sequence":1,"status":"FAILED","failure":{"code":"X"}}""", 409)));
        Assert.Equal("CALLBACK_OUT_OF_ORDER", Code(await CallbackAsync(api, job, "evt_2", """{"job_id":"JOB","sequence":1,"status":"PROCESSING"}""", 409)));
        Assert.Equal("INVALID_TRANSITION", Code(await CallbackAsync(api, job, "evt_3", """{"job_id":"JOB","sequence":2,"status":"QUEUED"}""", 409)));
        Assert.Equal("VALIDATION_FAILED", Code(await CallbackAsync(api, job, "evt_4", """{"job_id":"JOB","sequence":2,"status":"SLEEPING"}""", 400)));
        Assert.Equal("RESOURCE_NOT_FOUND", Code(await CallbackAsync(api, Guid.NewGuid().ToString(), "evt_5", processing, 404)));
        // Signed for one job, sent to another: the body names its job, so it is refused.
        var other = await UploadedJobAsync(api, await NarratedVideos.MakeAsync(withSubtitles: false));
        var elsewhere = Json(processing.Replace("JOB", job, StringComparison.Ordinal));
        Sign(elsewhere.Headers, "evt_elsewhere", processing.Replace("JOB", job, StringComparison.Ordinal), Secret, DateTimeOffset.UtcNow);
        Assert.Equal("VALIDATION_FAILED", Code(await api.SendAsync(Operation, $"/api/v1/guides/internal/jobs/{other}/status", 400, elsewhere)));
        Assert.Equal("VALIDATION_FAILED", Code(await CallbackAsync(api, job, "evt_frames", """{"job_id":"JOB","sequence":2,"status":"PROCESSING","artifacts":{"frames":[{"sha256":1}]}}""", 400)));
        Assert.Equal("VALIDATION_FAILED", Code(await CallbackAsync(api, job, "evt_stage", """{"job_id":"JOB","sequence":2,"status":"PROCESSING","checkpoint":"lunch"}""", 400)));

        // Signatures: none, another secret's, an old one.
        foreach (var (headers, check) in new (Action<HttpContentHeaders>, string)[]
        {
            (_ => { }, "missing_headers"),
            (h => Sign(h, "evt_6", """{"job_id":"JOB","sequence":2,"status":"TRANSCRIBED"}""", "whsec_" + Convert.ToBase64String(Encoding.UTF8.GetBytes("a different secret, 32 bytes....")), DateTimeOffset.UtcNow), "bad_signature"),
            (h => Sign(h, "evt_6", """{"job_id":"JOB","sequence":2,"status":"TRANSCRIBED"}""", Secret, DateTimeOffset.UtcNow.AddMinutes(-10)), "stale_timestamp"),
        })
        {
            var content = Json("""{"job_id":"JOB","sequence":2,"status":"TRANSCRIBED"}""".Replace("JOB", job, StringComparison.Ordinal));
            headers(content.Headers);
            var refused = await api.SendAsync(Operation, $"/api/v1/guides/internal/jobs/{job}/status", 401, content);
            Assert.Equal(check, refused.Value["check"]!.GetValue<string>());
        }
        Assert.Equal("PROCESSING", (await JobOfAsync(api, job))["status"]!.GetValue<string>());

        // Twenty identical deliveries at once: one applies, the others are replays.
        var transcribed = """{"job_id":"JOB","sequence":2,"status":"TRANSCRIBED","checkpoint":"transcript","artifacts":{"frames":[]}}""".Replace("JOB", job, StringComparison.Ordinal);
        var deliveries = await Races.RunAsync(20, _ =>
        {
            var content = Json(transcribed);
            Sign(content.Headers, "evt_7", transcribed, Secret, DateTimeOffset.UtcNow);
            return api.Http.PostAsync(new Uri($"/api/v1/guides/internal/jobs/{job}/status", UriKind.Relative), content);
        });
        await Races.AssertNoServerErrorsAsync(deliveries);
        var counts = Races.CountByStatus(deliveries);
        Assert.Equal(1, counts[System.Net.HttpStatusCode.NoContent]);
        Assert.Equal(19, counts[System.Net.HttpStatusCode.OK]);

        await CallbackAsync(api, job, "evt_8", """{"job_id":"JOB","sequence":5,"status":"FAILED","failure":{"code":"WORKER_CRASHED","message":"out of memory"}}""", 204);
        var failed = await JobOfAsync(api, job);
        Assert.Equal("FAILED", failed["status"]!.GetValue<string>());
        Assert.Equal("WORKER_CRASHED", failed["failure"]!["code"]!.GetValue<string>());
        Assert.Equal("transcript", failed["checkpoint"]!.GetValue<string>());
        Assert.Equal("INVALID_TRANSITION", Code(await CallbackAsync(api, job, "evt_9", """{"job_id":"JOB","sequence":6,"status":"DONE"}""", 409)));
        // A finished job stays as it is: a new FAILED event changes nothing; the accepted one still replays.
        Assert.Equal("INVALID_TRANSITION", Code(await CallbackAsync(api, job, "evt_10", """{"job_id":"JOB","sequence":7,"status":"FAILED","failure":{"code":"OTHER"}}""", 409)));
        await CallbackAsync(api, job, "evt_8", """{"job_id":"JOB","sequence":5,"status":"FAILED","failure":{"code":"WORKER_CRASHED","message":"out of memory"}}""", 200);
        Assert.Equal("WORKER_CRASHED", (await JobOfAsync(api, job))["failure"]!["code"]!.GetValue<string>());
        var transitions = (await api.GetAsync("GET /api/v1/guides/jobs/{jobId}/transitions", $"/api/v1/guides/jobs/{job}/transitions")).Value.AsArray();
        // Each accepted event changed the status once; replays and refusals recorded nothing.
        Assert.Equal(["UPLOADED>QUEUED:api", "QUEUED>PROCESSING:callback", "PROCESSING>TRANSCRIBED:callback", "TRANSCRIBED>FAILED:callback"],
            transitions.Skip(1).Select(t => $"{t!["from_status"]}>{t["to_status"]}:{t["actor"]}"));
    }

    [Fact]
    public async Task Without_a_configured_secret_every_callback_is_refused()
    {
        await using var app = await TesseraAppFactory.CreateAsync("sqlite", RemoteWorker);
        var (api, _, _) = await MemberClients.SignInAsync(app, "writer@example.org", "docs");
        var job = await UploadedJobAsync(api, await NarratedVideos.MakeAsync(withSubtitles: false));
        await PostAsync(api, job, "run", 202);
        var refused = await CallbackAsync(api, job, "evt_1", """{"job_id":"JOB","sequence":1,"status":"PROCESSING"}""", 401);
        Assert.Equal("no_secret", refused.Value["check"]!.GetValue<string>());
    }

    /// <summary>The processing job holds until cancelled: a remote worker (the test) does the work and calls back.</summary>
    private static void RemoteWorker(IServiceCollection services)
    {
        services.Remove(services.Single(d => d.ServiceType == typeof(IJobHandler) && d.ImplementationType == typeof(ProcessJobHandler)));
        services.AddSingleton<IJobHandler, HoldingHandler>();
    }

    /// <summary>A signed callback to <paramref name="job"/>; JOB in the body stands for that job's id.</summary>
    private static Task<ContractResponse> CallbackAsync(ContractClient api, string job, string eventId, string body, int expected)
    {
        body = body.Replace("JOB", job, StringComparison.Ordinal);
        var content = Json(body);
        Sign(content.Headers, eventId, body, Secret, DateTimeOffset.UtcNow);
        return api.SendAsync(Operation, $"/api/v1/guides/internal/jobs/{job}/status", expected, content);
    }

    private static void Sign(HttpContentHeaders headers, string eventId, string body, string secret, DateTimeOffset at)
    {
        var timestamp = at.ToUnixTimeSeconds();
        headers.TryAddWithoutValidation(CallbackSignature.IdHeader, eventId);
        headers.TryAddWithoutValidation(CallbackSignature.TimestampHeader, timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        headers.TryAddWithoutValidation(CallbackSignature.SignatureHeader,
            CallbackSignature.Sign(CallbackSignature.ParseSecrets(secret)[0], eventId, timestamp, Encoding.UTF8.GetBytes(body)));
    }

    private sealed class HoldingHandler : IJobHandler
    {
        public string Kind => ProcessJobHandler.JobKind;
        public int Version => 1;
        public bool Cacheable => false;

        public async Task<JsonNode?> ExecuteAsync(JobContext context, CancellationToken cancellationToken)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
            return null;
        }
    }
}
