using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;
using Tessera.Guides.Processing.Speech;
using Tessera.Testing;
using Tessera.Testing.Contracts;
using Xunit.Abstractions;
using static Tessera.Guides.Tests.GuidesFixture;

namespace Tessera.Guides.Tests;

/// <summary>
/// Videos narrated aloud with no subtitle stream (espeak-ng over screens of text): transcribed by Debian's pocketsphinx
/// or by a remote service with the OpenAI transcription API, the screens read by tesseract, and the steps drafted
/// from them, over HTTP on both dialects.
/// </summary>
public class SpokenNarrationTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Processing = TimeSpan.FromMinutes(3);

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task Pocketsphinx_transcribes_the_narration_and_tesseract_reads_every_screen(string dialect)
    {
        await using var app = await TesseraAppFactory.CreateAsync(dialect);
        var (api, _, _) = await MemberClients.SignInAsync(app, "writer@example.org", "docs");
        var job = await UploadedJobAsync(api, await NarratedVideos.MakeSpokenAsync());
        await PostAsync(api, job, "run", 202);

        var drafted = await WaitAsync(api, job, Processing, "DRAFTED", "FAILED");
        Assert.True(drafted["status"]!.GetValue<string>() == "DRAFTED", drafted.ToJsonString());
        // Every screen was kept (only its text changes: a scene score near 0.03) and read.
        var frames = drafted["artifacts"]!["frames"]!.AsArray();
        Assert.Equal("tesseract", drafted["artifacts"]!["screen_text"]!.GetValue<string>());
        Assert.Equal(NarratedVideos.SpokenScreens.Length, frames.Count);
        for (var i = 0; i < frames.Count; i++)
        {
            Assert.InRange(frames[i]!["time_seconds"]!.GetValue<double>(), i * NarratedVideos.SpokenScreenSeconds - 0.2, i * NarratedVideos.SpokenScreenSeconds + 0.2);
            Assert.Contains(NarratedVideos.SpokenScreens[i].Title.Split(' ')[0], frames[i]!["text"]!.GetValue<string>(), StringComparison.Ordinal);
        }

        var transcript = (await api.GetAsync("GET /api/v1/guides/jobs/{jobId}/transcript", $"/api/v1/guides/jobs/{job}/transcript")).Value;
        Assert.Equal("pocketsphinx", transcript["recognizer"]!.GetValue<string>());
        var segments = transcript["segments"]!.AsArray();
        var words = segments.SelectMany(s => s!["words"]!.AsArray()).ToList();
        Assert.NotEmpty(words);
        Assert.All(words, w => Assert.InRange(w!["start"]!.GetValue<double>(), 0, NarratedVideos.SpokenScreenSeconds * NarratedVideos.SpokenScreens.Length));
        var heard = string.Join(' ', segments.Select(s => s!["text"]!.GetValue<string>()));
        var wer = WordErrorRate.Of(string.Join(' ', NarratedVideos.SpokenSteps), heard);
        output.WriteLine($"pocketsphinx heard \"{heard}\": word error rate {wer:P0}");
        // pocketsphinx is poor on espeak-ng's voice (bench/guides measures it): of the script's key words it gets some, not all.
        string[] keyWords = ["settings", "privacy", "location", "sharing", "save"];
        Assert.True(keyWords.Count(k => WordErrorRate.Words(heard).Contains(k)) >= 2, $"heard \"{heard}\"");

        // Each step the writer made has a screenshot of one of the screens, in the order they were shown.
        var blocks = (await api.GetAsync("GET /api/v1/guides/jobs/{jobId}/instructions", $"/api/v1/guides/jobs/{job}/instructions")).Value["blocks"]!.AsArray();
        Assert.NotEmpty(blocks);
        var shots = blocks.Select(b => b!["frame_time_seconds"]!.GetValue<double>()).ToList();
        Assert.Equal(shots.Order(), shots);
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task A_remote_recognizer_is_sent_the_audio_and_its_segments_pin_each_step_to_the_screen_that_names_it(string dialect)
    {
        var requests = new ConcurrentQueue<(string? Model, string? Format, string? Authorization, long AudioBytes)>();
        await using var service = await ScriptedServer.StartAsync("/v1/audio/transcriptions", async context =>
        {
            var form = await context.Request.ReadFormAsync(context.RequestAborted);
            requests.Enqueue((form["model"], form["response_format"], context.Request.Headers.Authorization, form.Files["file"]?.Length ?? 0));
            // What a Whisper server would say: the script, each sentence timed to its screen.
            await context.Response.WriteAsJsonAsync(new
            {
                text = string.Join(' ', NarratedVideos.SpokenSteps),
                duration = 14.0,
                segments = NarratedVideos.SpokenSteps.Select((s, i) => new { start = i * 3.5 + 0.3, end = i * 3.5 + 2.0, text = " " + s }),
                words = NarratedVideos.SpokenSteps.SelectMany((s, i) => s.Split(' ').Select((w, k) => new { word = w, start = i * 3.5 + 0.3 + k * 0.3, end = i * 3.5 + 0.55 + k * 0.3 })),
            });
        });
        await using var app = await TesseraAppFactory.CreateAsync(dialect, settings: new Dictionary<string, string?>
        {
            ["guides:recognizer"] = "remote", ["guides:asr_url"] = service.Root + "/v1", ["guides:asr_model"] = "whisper-large-v3", ["guides:asr_api_key"] = "sk-test",
        });
        var (api, _, _) = await MemberClients.SignInAsync(app, "writer@example.org", "docs");
        var job = await UploadedJobAsync(api, await NarratedVideos.MakeSpokenAsync());
        await PostAsync(api, job, "run", 202);

        var drafted = await WaitAsync(api, job, Processing, "DRAFTED", "FAILED");
        Assert.True(drafted["status"]!.GetValue<string>() == "DRAFTED", drafted.ToJsonString());
        var (model, format, authorization, audioBytes) = Assert.Single(requests);
        Assert.Equal(("whisper-large-v3", "verbose_json", "Bearer sk-test"), (model, format, authorization));
        Assert.True(audioBytes > 14 * 16000 * 2, $"{audioBytes} bytes of audio: not the 16 kHz 16-bit narration");
        var transcript = (await api.GetAsync("GET /api/v1/guides/jobs/{jobId}/transcript", $"/api/v1/guides/jobs/{job}/transcript")).Value;
        Assert.Equal("remote:whisper-large-v3", transcript["recognizer"]!.GetValue<string>());
        Assert.Equal(["Open", "the", "settings", "menu."], transcript["segments"]![0]!["words"]!.AsArray().Select(w => w!["word"]!.GetValue<string>()));

        var blocks = (await api.GetAsync("GET /api/v1/guides/jobs/{jobId}/instructions", $"/api/v1/guides/jobs/{job}/instructions")).Value["blocks"]!.AsArray();
        Assert.Equal(["Open the settings menu.", "Click the privacy tab.", "Turn off location sharing.", "Press save."], blocks.Select(b => b!["text"]!.GetValue<string>()));
        var frames = drafted["artifacts"]!["frames"]!.AsArray().Select(f => f!["sha256"]!.GetValue<string>()).ToList();
        Assert.Equal(frames, blocks.Select(b => b!["frame_sha256"]!.GetValue<string>()));
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task A_recognizer_that_refuses_fails_the_job_with_its_words_and_one_that_is_down_is_retried_then_fails(string dialect)
    {
        var calls = 0;
        await using var service = await ScriptedServer.StartAsync("/v1/audio/transcriptions", async context =>
        {
            var call = Interlocked.Increment(ref calls);
            context.Response.StatusCode = call == 1 ? 400 : 503;
            await context.Response.WriteAsync(call == 1 ? "{\"error\": {\"message\": \"Audio file is too short\"}}" : "overloaded");
        });
        await using var app = await TesseraAppFactory.CreateAsync(dialect, settings: new Dictionary<string, string?>
        {
            ["guides:recognizer"] = "remote", ["guides:asr_url"] = service.Root + "/v1", ["jobs:backoff_base_ms"] = "50",
        });
        var (api, _, _) = await MemberClients.SignInAsync(app, "writer@example.org", "docs");
        var video = await NarratedVideos.MakeSpokenAsync();

        var refused = await UploadedJobAsync(api, video);
        await PostAsync(api, refused, "run", 202);
        var failed = await WaitAsync(api, refused, Processing, "FAILED", "DRAFTED");
        Assert.Equal("GUIDES_TRANSCRIPT_UNAVAILABLE", failed["failure"]!["code"]!.GetValue<string>());
        Assert.Contains("Audio file is too short", failed["failure"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(1, Volatile.Read(ref calls));

        var down = await UploadedJobAsync(api, video);
        await PostAsync(api, down, "run", 202);
        var gaveUp = await WaitAsync(api, down, Processing, "FAILED", "DRAFTED");
        Assert.Equal("GUIDES_RECOGNIZER_UNAVAILABLE", gaveUp["failure"]!["code"]!.GetValue<string>());
        Assert.Contains("503", gaveUp["failure"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        // Every attempt asked again (the media stage is not redone: its checkpoint stands).
        Assert.Equal(1 + Tessera.Guides.Processing.ProcessJobHandler.MaxAttempts, Volatile.Read(ref calls));
        Assert.Equal("media", gaveUp["checkpoint"]!.GetValue<string>());
    }
}
