using Tessera.Inference.Whisper;
using Tessera.Testing;
using Tessera.Testing.Contracts;
using static Tessera.Guides.Tests.GuidesFixture;

namespace Tessera.Guides.Tests;

/// <summary>
/// A guide job over HTTP on a deployment with a whisper model installed (a random-weight one: the words are
/// nonsense): with the default <c>guides:recognizer</c> (auto) the worker transcribes with whisper and says so; a
/// model that would crash whisper.cpp fails the job, not the worker.
/// </summary>
public class WhisperJobTests
{
    private static readonly TimeSpan Processing = TimeSpan.FromMinutes(3);

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task With_a_model_installed_the_default_recognizer_is_whisper_and_the_transcript_names_the_model(string dialect)
    {
        await using var app = await TesseraAppFactory.CreateAsync(dialect);
        using var source = new TempDirectory();
        var installed = WhisperModelStore.ForDataDir(app.Database.DataDir).Import(TinyWhisperModel.Write(source.File("tiny.bin")), "tiny");
        var (api, _, _) = await MemberClients.SignInAsync(app, "writer@example.org", "docs");
        var job = await UploadedJobAsync(api, await NarratedVideos.MakeSpokenAsync());
        await PostAsync(api, job, "run", 202);

        var done = await WaitAsync(api, job, Processing, "DRAFTED", "FAILED");

        Assert.True(done["status"]!.GetValue<string>() == "DRAFTED", done.ToJsonString());
        var transcript = (await api.GetAsync("GET /api/v1/guides/jobs/{jobId}/transcript", $"/api/v1/guides/jobs/{job}/transcript")).Value;
        Assert.Equal($"whisper:tiny:{installed.Sha256[..12]}", transcript["recognizer"]!.GetValue<string>());
        var length = NarratedVideos.SpokenScreenSeconds * NarratedVideos.SpokenScreens.Length;
        Assert.All(transcript["segments"]!.AsArray(), s => Assert.InRange(s!["end"]!.GetValue<double>(), s["start"]!.GetValue<double>(), length));
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task A_model_whisper_cpp_would_abort_on_fails_the_job_at_once_and_the_worker_lives_on(string dialect)
    {
        await using var app = await TesseraAppFactory.CreateAsync(dialect);
        var folder = Directory.CreateDirectory(WhisperModelStore.ForDataDir(app.Database.DataDir).Folder).FullName;
        TinyWhisperModel.Write(Path.Combine(folder, "f32.bin"), flaws: new TinyWhisperModel.Flaws { FileType = 0 });
        var (api, _, _) = await MemberClients.SignInAsync(app, "writer@example.org", "docs");
        var video = await NarratedVideos.MakeSpokenAsync();

        var first = await UploadedJobAsync(api, video);
        await PostAsync(api, first, "run", 202);
        var failed = await WaitAsync(api, first, Processing, "FAILED", "DRAFTED");
        Assert.Equal(GuidesErrorCodes.WhisperModelInvalid, failed["failure"]!["code"]!.GetValue<string>());
        Assert.Contains("only f16 models are supported", failed["failure"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);

        // The same process takes the next job: nothing aborted it.
        var second = await UploadedJobAsync(api, video);
        await PostAsync(api, second, "run", 202);
        Assert.Equal(GuidesErrorCodes.WhisperModelInvalid, (await WaitAsync(api, second, Processing, "FAILED", "DRAFTED"))["failure"]!["code"]!.GetValue<string>());
    }
}
