using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Tessera.Testing;
using Tessera.Testing.Contracts;
using static Tessera.Guides.Tests.GuidesFixture;
using static Tessera.Guides.Tests.RegenerateApiTests;

namespace Tessera.Guides.Tests;

/// <summary>
/// guides:writer remote: a real writer service on loopback is sent the transcript and the screens, and what it answers
/// becomes the draft and regenerated versions; an answer that breaks the format is retried then reported, a refusal
/// reported at once, and a save that lands while it writes makes the task fail without writing.
/// </summary>
public class RemoteWriterTests
{
    private enum Script { Steps, ForeignScreenshot, Refuse, HoldThenSteps }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task The_writer_service_writes_the_draft_and_regenerations_and_its_failures_end_the_task(string dialect)
    {
        var questions = new ConcurrentQueue<(JsonNode Question, string? Authorization)>();
        var script = (int)Script.Steps;
        var held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var writer = await ScriptedServer.StartAsync("/v1/steps", async context =>
        {
            var question = (await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted))!;
            questions.Enqueue((question, context.Request.Headers.Authorization));
            var now = (Script)Volatile.Read(ref script);
            if (now == Script.Refuse)
            {
                context.Response.StatusCode = 422;
                await context.Response.WriteAsync("{\"error\": \"transcript too short to summarize\"}");
                return;
            }
            if (now == Script.HoldThenSteps)
            {
                held.TrySetResult();
                await release.Task;
            }
            await context.Response.WriteAsJsonAsync(Answer(question, foreignScreenshot: now == Script.ForeignScreenshot));
        });
        await using var app = await TesseraAppFactory.CreateAsync(dialect, settings: new Dictionary<string, string?>
        {
            ["guides:writer"] = "remote", ["guides:writer_url"] = writer.Root + "/v1/steps", ["guides:writer_api_key"] = "wk-test", ["jobs:backoff_base_ms"] = "50",
        });
        var (api, _, _) = await MemberClients.SignInAsync(app, "writer@example.org", "docs");
        var job = await UploadedJobAsync(api, await NarratedVideos.MakeAsync(withSubtitles: true));
        await PostAsync(api, job, "run", 202);
        var drafted = await WaitAsync(api, job, TimeSpan.FromMinutes(2), "DRAFTED", "FAILED");
        Assert.True(drafted["status"]!.GetValue<string>() == "DRAFTED", drafted.ToJsonString());

        // The service was sent the narration and every kept screen, with the key.
        var (asked, authorization) = Assert.Single(questions);
        Assert.Equal("Bearer wk-test", authorization);
        Assert.Equal(job, asked["job_id"]!.GetValue<string>());
        Assert.Equal(NarratedVideos.Steps, asked["transcript"]!.AsArray().Select(s => s!["text"]!.GetValue<string>()));
        var screens = drafted["artifacts"]!["frames"]!.AsArray().Select(f => f!["sha256"]!.GetValue<string>()).ToList();
        Assert.Equal(screens, asked["frames"]!.AsArray().Select(f => f!["sha256"]!.GetValue<string>()));

        var draft = (await api.GetAsync("GET /api/v1/guides/jobs/{jobId}/instructions", $"/api/v1/guides/jobs/{job}/instructions")).Value;
        Assert.Equal(NarratedVideos.Steps.Select(s => "Service: " + s), draft["blocks"]!.AsArray().Select(b => b!["text"]!.GetValue<string>()));
        Assert.Equal(["Check the wording."], draft["validation_issues"]!.AsArray().Select(i => i!.GetValue<string>()));
        var id = draft["id"]!.GetValue<string>();
        var transitions = (await api.GetAsync("GET /api/v1/guides/jobs/{jobId}/transitions", $"/api/v1/guides/jobs/{job}/transitions")).Value.AsArray();
        Assert.Contains(transitions, t => t!["reason"]?.GetValue<string>() == "drafted 3 step(s) (remote:scripted-llm)");

        // An answer pinning a screenshot that was never sent: retried, then the task fails with the format's code and nothing is written.
        Volatile.Write(ref script, (int)Script.ForeignScreenshot);
        var before = questions.Count;
        var invalid = await WaitTaskAsync(api, (await RegenerateAsync(api, id, new { client_request_id = "bad-answer", base_version = 1 }, 202)).Id);
        Assert.Equal(("FAILED", "GUIDES_WRITER_ANSWER_INVALID"), (invalid["status"]!.GetValue<string>(), invalid["failure"]!["code"]!.GetValue<string>()));
        Assert.Equal(3, questions.Count - before);

        // A refusal is the transcript's doing: no retry.
        Volatile.Write(ref script, (int)Script.Refuse);
        before = questions.Count;
        var refused = await WaitTaskAsync(api, (await RegenerateAsync(api, id, new { client_request_id = "refused", base_version = 1 }, 202)).Id);
        Assert.Equal("GUIDES_WRITER_REFUSED", refused["failure"]!["code"]!.GetValue<string>());
        Assert.Contains("too short", refused["failure"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(1, questions.Count - before);

        // A save lands while the service writes: the task fails with VERSION_CONFLICT and the save stands alone.
        Volatile.Write(ref script, (int)Script.HoldThenSteps);
        var racing = await RegenerateAsync(api, id, new { client_request_id = "overtaken", base_version = 1 }, 202);
        await held.Task.WaitAsync(TimeSpan.FromMinutes(1));
        var edit = new JsonArray(new JsonObject { ["id"] = draft["blocks"]![0]!["id"]!.GetValue<string>(), ["text"] = "Open Settings." });
        await api.SendAsync("PUT /api/v1/guides/instructions/{instructionId}", $"/api/v1/guides/instructions/{id}", 200,
            Json(JsonSerializer.Serialize(new { base_version = 1, blocks = edit })));
        release.SetResult();
        var overtaken = await WaitTaskAsync(api, racing.Id);
        Assert.Equal(("FAILED", "VERSION_CONFLICT"), (overtaken["status"]!.GetValue<string>(), overtaken["failure"]!["code"]!.GetValue<string>()));
        var current = (await api.GetAsync("GET /api/v1/guides/instructions/{instructionId}", $"/api/v1/guides/instructions/{id}")).Value;
        Assert.Equal((2, "editor"), (current["current_version"]!.GetValue<int>(), current["source"]!.GetValue<string>()));

        // From the saved version it works, and provenance names the service's model.
        var done = await WaitTaskAsync(api, (await RegenerateAsync(api, id, new { client_request_id = "after-save", base_version = 2 }, 202)).Id);
        Assert.Equal(("SUCCEEDED", 3, "remote:scripted-llm"),
            (done["status"]!.GetValue<string>(), done["result_version"]!.GetValue<int>(), done["provenance"]!["writer"]!.GetValue<string>()));
    }

    /// <summary>A step per narration segment, each on the screen of its position (or, to break the format, on one never sent).</summary>
    private static JsonObject Answer(JsonNode question, bool foreignScreenshot)
    {
        var frames = question["frames"]!.AsArray();
        var steps = question["transcript"]!.AsArray().Select((segment, i) => (JsonNode)new JsonObject
        {
            // A control character a save would refuse: the draft leaves it out, so the steps can be saved again as they are.
            ["text"] = "Service:\u0007 " + segment!["text"]!.GetValue<string>(),
            ["start"] = segment["start"]!.GetValue<double>(),
            ["end"] = segment["end"]!.GetValue<double>(),
            ["frame_sha256"] = foreignScreenshot ? new string('f', 64) : frames[Math.Min(i, frames.Count - 1)]!["sha256"]!.GetValue<string>(),
        });
        return new JsonObject { ["model"] = "scripted-llm", ["steps"] = new JsonArray([.. steps]), ["issues"] = new JsonArray("Check the wording.") };
    }
}
