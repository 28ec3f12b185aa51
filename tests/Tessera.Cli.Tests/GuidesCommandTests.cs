using System.Text.Json;
using Tessera.Testing;

namespace Tessera.Cli.Tests;

/// <summary><c>tessera guides make</c> against a deployment's data: the steps of a narrated recording, and clear non-zero exits.</summary>
public sealed class GuidesCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tessera-guides-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task Make_prints_the_steps_of_a_narrated_recording_and_fails_clearly_without_narration(string dialect)
    {
        await using var scratch = await ScratchDatabase.CreateAsync(dialect);
        string[] data = ["--data-dir", scratch.DataDir, "--database", scratch.Target];
        var narrated = Path.Combine(_dir, "narrated.mkv");
        await File.WriteAllBytesAsync(narrated, await NarratedVideos.MakeAsync(withSubtitles: true));
        var silent = Path.Combine(_dir, "silent.mkv");
        await File.WriteAllBytesAsync(silent, await NarratedVideos.MakeAsync(withSubtitles: false));

        var (code, output, error) = await CliProcess.RunAsync(["guides", "make", narrated, "--json", "--project", "Onboarding", .. data]);
        Assert.True(code == 0, error);
        var instructions = JsonDocument.Parse(output).RootElement;
        Assert.Equal(NarratedVideos.Steps, instructions.GetProperty("blocks").EnumerateArray().Select(b => b.GetProperty("text").GetString()));
        Assert.Contains("DRAFTED", error, StringComparison.Ordinal);

        // With --export the bundle is written where --out says.
        var bundle = Path.Combine(_dir, "guide.zip");
        (code, output, error) = await CliProcess.RunAsync(["guides", "make", narrated, "--export", "html", "--out", bundle, .. data]);
        Assert.True(code == 0, error);
        Assert.StartsWith("3 step(s), valid", output, StringComparison.Ordinal);
        Assert.Contains("1. Open the Settings menu.", output, StringComparison.Ordinal);
        Assert.Contains($"html bundle of {new FileInfo(bundle).Length} bytes written to {bundle}", error, StringComparison.Ordinal);
        using (var zip = System.IO.Compression.ZipFile.OpenRead(bundle))
            Assert.Equal(["guide.html", "images", "images", "images", "provenance.json"], zip.Entries.Select(e => e.FullName.Split('/')[0]));
        (code, _, error) = await CliProcess.RunAsync(["guides", "make", narrated, "--export", "pdf", .. data]);
        Assert.NotEqual(0, code);
        Assert.Contains("pdf", error, StringComparison.Ordinal);

        (code, _, error) = await CliProcess.RunAsync(["guides", "make", silent, .. data]);
        Assert.Equal(1, code);
        Assert.Contains("GUIDES_TRANSCRIPT_UNAVAILABLE", error, StringComparison.Ordinal);
        (code, _, error) = await CliProcess.RunAsync(["guides", "make", Path.Combine(_dir, "missing.mkv"), .. data]);
        Assert.NotEqual(0, code);
        Assert.Contains("does not exist", error, StringComparison.Ordinal);
    }
}
