using Tessera.Core.Hashing;
using Tessera.Testing;

namespace Tessera.Cli.Tests;

/// <summary><c>tessera models import-whisper</c>: a checked model copied into the data dir with its sha256; a bad one refused, leaving nothing.</summary>
public sealed class ImportWhisperCommandTests : IDisposable
{
    private readonly TempDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    private string DataDir => _folder.File("data");

    private string Models => Path.Combine(DataDir, "models", "whisper");

    [Fact]
    public async Task A_generated_f16_model_is_installed_under_its_name_with_its_sha256_recorded()
    {
        var source = TinyWhisperModel.Write(_folder.File("ggml-tiny-random.bin"));
        var sha256 = await Sha256Hex.OfFileAsync(source);

        var (code, output, error) = await CliProcess.RunAsync("models", "import-whisper", source, "--data-dir", DataDir);

        Assert.True(code == 0, error);
        var installed = Path.Combine(Models, "ggml-tiny-random.bin");
        Assert.Contains($"imported: {installed}", output, StringComparison.Ordinal);
        Assert.Contains($"sha256: {sha256}", output, StringComparison.Ordinal);
        Assert.Contains("model: custom, English only, f16, 1+1 layers, width 64, 50 tensors", output, StringComparison.Ordinal);
        Assert.Equal(sha256, await Sha256Hex.OfFileAsync(installed));
        Assert.Equal($"{sha256}  ggml-tiny-random.bin\n", await File.ReadAllTextAsync(Path.Combine(Models, "ggml-tiny-random.sha256")));
        // Nothing but the model and its hash: no temporary file is left.
        Assert.Equal(["ggml-tiny-random.bin", "ggml-tiny-random.sha256"], Directory.GetFiles(Models).Select(Path.GetFileName).Order());

        // The name is taken now: a second import under it is refused and the first stays.
        var (again, _, refused) = await CliProcess.RunAsync("models", "import-whisper", source, "--data-dir", DataDir, "--name", "ggml-tiny-random");
        Assert.Equal(1, again);
        Assert.Contains("already installed", refused, StringComparison.Ordinal);
        Assert.Equal(sha256, await Sha256Hex.OfFileAsync(installed));

        // A name whose hash record is in place before its model (another import of it is finishing) is refused too,
        // and that import's record is left as it is.
        var record = Path.Combine(Models, "in-flight.sha256");
        await File.WriteAllTextAsync(record, "theirs\n");
        var (busy, _, busyError) = await CliProcess.RunAsync("models", "import-whisper", source, "--data-dir", DataDir, "--name", "in-flight");
        Assert.Equal(1, busy);
        Assert.Contains("being installed", busyError, StringComparison.Ordinal);
        Assert.Equal("theirs\n", await File.ReadAllTextAsync(record));
        Assert.False(File.Exists(Path.Combine(Models, "in-flight.bin")));
    }

    [Theory]
    [InlineData("f32", "only f16 models are supported")]
    [InlineData("truncated", "the file is truncated")]
    [InlineData("no-space", "lacks the \" \" token")]
    public async Task A_file_whisper_cpp_would_crash_on_is_refused_and_nothing_is_left_behind(string flaw, string reason)
    {
        var source = TinyWhisperModel.Write(_folder.File(flaw + ".bin"), flaws: flaw switch
        {
            "f32" => new TinyWhisperModel.Flaws { FileType = 0 },
            "truncated" => new TinyWhisperModel.Flaws { Truncate = 7 },
            _ => new TinyWhisperModel.Flaws { SpaceToken = false },
        });

        var (code, output, error) = await CliProcess.RunAsync("models", "import-whisper", source, "--data-dir", DataDir, "--name", "base");

        Assert.Equal(1, code);
        Assert.Contains($"error: {flaw}.bin is not a whisper.cpp model Tessera can load:", error, StringComparison.Ordinal);
        Assert.Contains(reason, error, StringComparison.Ordinal);
        Assert.Empty(output);
        Assert.False(Directory.Exists(Models), "the refused import created " + Models);
    }

    [Fact]
    public async Task A_name_that_is_no_file_name_is_refused()
    {
        var source = TinyWhisperModel.Write(_folder.File("tiny.bin"));
        var (code, _, error) = await CliProcess.RunAsync("models", "import-whisper", source, "--data-dir", DataDir, "--name", "../escape");
        Assert.Equal(1, code);
        Assert.Contains("is no model name", error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Models));
    }
}
