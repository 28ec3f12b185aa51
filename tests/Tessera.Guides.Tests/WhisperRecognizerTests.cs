using Microsoft.Extensions.Configuration;
using Tessera.Core.Errors;
using Tessera.Guides.Processing;
using Tessera.Guides.Processing.Speech;
using Tessera.Inference.Whisper;
using Tessera.Testing;
using Xunit.Abstractions;

namespace Tessera.Guides.Tests;

/// <summary>
/// whisper.cpp (Whisper.net's native runtime, loaded for real: these tests fail, never skip, without it) on a
/// random-weight model over the JFK clip, and which recognizer <c>guides:recognizer</c> picks. The words are
/// nonsense; what is checked is that it runs, times everything inside the audio and says which model heard it.
/// </summary>
public sealed class WhisperRecognizerTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDirectory _folder = new();
    private readonly WhisperEngine _engine = new();

    public void Dispose()
    {
        _engine.Dispose();
        _folder.Dispose();
    }

    private string DataDir => _folder.File("data");

    [Fact]
    public async Task Whisper_transcribes_real_speech_with_an_installed_model_and_keeps_every_time_inside_the_audio()
    {
        var installed = Install("tiny");
        var (wav, duration) = await JfkAsync();

        var recognizer = await Choice(new GuidesSettings()).PickAsync(CancellationToken.None);
        var segments = await recognizer.RecognizeAsync(wav, _folder.Path, CancellationToken.None);

        Assert.Equal($"whisper:tiny:{installed.Sha256[..12]}", recognizer.Name);
        output.WriteLine(string.Join("\n", segments.Select(s => $"{s.Start}-{s.End}: {s.Text} [{string.Join(' ', (s.Words ?? []).Select(w => $"{w.Word}@{w.Start}-{w.End}"))}]")));
        Assert.NotEmpty(segments);
        Assert.All(segments, s =>
        {
            Assert.InRange(s.Start, 0, duration);
            Assert.InRange(s.End, s.Start, duration);
            Assert.All(s.Words ?? [], w => Assert.True(w.Start >= s.Start && w.End <= s.End && w.Start <= w.End, $"{w} lies outside {s.Start}-{s.End}"));
        });
    }

    [Fact]
    public async Task A_job_cancelled_while_whisper_runs_stops_it_and_the_process_lives_on()
    {
        var installed = Install("tiny");
        var (wav, _) = await JfkAsync();
        var recognizer = await Choice(new GuidesSettings()).PickAsync(CancellationToken.None);
        // Loaded first, so the cancellation lands inside whisper.cpp's decoding (seconds for this clip), not the load.
        await _engine.FactoryAsync(new WhisperModel(installed.Name, installed.Path, installed.Sha256), CancellationToken.None);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => recognizer.RecognizeAsync(wav, _folder.Path, cancel.Token));

        // The native state was released cleanly: the same model transcribes again in this process.
        Assert.NotEmpty(await recognizer.RecognizeAsync(wav, _folder.Path, CancellationToken.None));
    }

    [Fact]
    public async Task Auto_falls_back_to_pocketsphinx_without_a_model_and_whisper_without_one_fails_for_good()
    {
        Assert.Equal("pocketsphinx", (await Choice(new GuidesSettings()).PickAsync(CancellationToken.None)).Name);

        var e = await Assert.ThrowsAsync<TesseraException>(() => Choice(new GuidesSettings { Recognizer = "whisper" }).PickAsync(CancellationToken.None));
        Assert.Equal((GuidesErrorCodes.WhisperModelMissing, 422), (e.Code, e.Status));
        Assert.Contains("tessera models import-whisper", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_several_models_installed_the_setting_picks_one_and_without_it_the_job_fails_saying_so()
    {
        Install("tiny");
        Install("other", seed: 2);

        var e = await Assert.ThrowsAsync<TesseraException>(() => Choice(new GuidesSettings()).PickAsync(CancellationToken.None));
        Assert.Equal(GuidesErrorCodes.WhisperModelMissing, e.Code);
        Assert.Contains("installed: other, tiny", e.Message, StringComparison.Ordinal);
        Assert.StartsWith("whisper:other:", (await Choice(new GuidesSettings { WhisperModel = "other" }).PickAsync(CancellationToken.None)).Name, StringComparison.Ordinal);
        Assert.Equal(GuidesErrorCodes.WhisperModelMissing,
            (await Assert.ThrowsAsync<TesseraException>(() => Choice(new GuidesSettings { WhisperModel = "large" }).PickAsync(CancellationToken.None))).Code);
    }

    [Theory]
    [InlineData("f32")]
    [InlineData("no-space")]
    public async Task A_model_copied_in_by_hand_that_would_abort_the_process_is_refused_before_whisper_cpp_sees_it(string flaw)
    {
        // whisper.cpp aborts the process on both (a GGML_ASSERT on f32 convolution weights; map::at on the missing
        // " " token): this test process surviving is the proof that the check ran first.
        var folder = Directory.CreateDirectory(WhisperModelStore.ForDataDir(DataDir).Folder).FullName;
        TinyWhisperModel.Write(Path.Combine(folder, "broken.bin"), flaws: flaw == "f32" ? new TinyWhisperModel.Flaws { FileType = 0 } : new TinyWhisperModel.Flaws { SpaceToken = false });
        var (wav, _) = await JfkAsync();
        var recognizer = await Choice(new GuidesSettings { Recognizer = "whisper" }).PickAsync(CancellationToken.None);

        var e = await Assert.ThrowsAsync<TesseraException>(() => recognizer.RecognizeAsync(wav, _folder.Path, CancellationToken.None));

        Assert.Equal((GuidesErrorCodes.WhisperModelInvalid, 422), (e.Code, e.Status));
        Assert.Contains("is not a whisper.cpp model Tessera can load", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_model_changed_after_its_import_is_refused()
    {
        var installed = Install("tiny");
        using (var stream = new FileStream(installed.Path, FileMode.Open, FileAccess.Write))
        {
            stream.Seek(-2, SeekOrigin.End);
            stream.Write([0x12, 0x34]);
        }
        var (wav, _) = await JfkAsync();
        var recognizer = await Choice(new GuidesSettings()).PickAsync(CancellationToken.None);

        var e = await Assert.ThrowsAsync<TesseraException>(() => recognizer.RecognizeAsync(wav, _folder.Path, CancellationToken.None));

        Assert.Equal(GuidesErrorCodes.WhisperModelInvalid, e.Code);
        Assert.Contains("the file changed since", e.Message, StringComparison.Ordinal);
    }

    private InstalledWhisperModel Install(string name, int seed = 1) =>
        WhisperModelStore.ForDataDir(DataDir).Import(TinyWhisperModel.Write(_folder.File($"{name}-source.bin"), seed), name);

    private RecognizerChoice Choice(GuidesSettings settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["data_dir"] = DataDir }).Build();
        return new RecognizerChoice([new PocketsphinxRecognizer(settings)], new WhisperModels(configuration, settings), _engine, settings);
    }

    /// <summary>The JFK clip as the media stage makes a narration: 16 kHz mono WAV by ffmpeg, and its length.</summary>
    private async Task<(string Wav, double Seconds)> JfkAsync()
    {
        var media = new MediaTools(new GuidesSettings());
        var wav = await media.AudioAsync(Path.Combine(RepoPaths.Fixtures, "audio", "jfk.flac"), _folder.Path, CancellationToken.None);
        var info = await media.ProbeAsync(wav, _folder.Path, CancellationToken.None);
        return (wav, info.DurationSeconds);
    }
}
