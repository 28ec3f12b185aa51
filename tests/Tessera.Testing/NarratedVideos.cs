using System.Diagnostics;

namespace Tessera.Testing;

/// <summary>
/// Short screen recordings made with ffmpeg for the tests: three solid screens (red, blue, green) of two seconds each,
/// a tone, and optionally a subtitle stream narrating one step per screen.
/// </summary>
public static class NarratedVideos
{
    public static readonly string[] Steps = ["Open the Settings menu.", "Click Privacy.", "Press Save to finish."];

    public static async Task<byte[]> MakeAsync(bool withSubtitles)
    {
        var folder = Directory.CreateTempSubdirectory("guides-video-").FullName;
        try
        {
            var srt = Path.Combine(folder, "narration.srt");
            await File.WriteAllTextAsync(srt, string.Join("\n", Steps.Select((s, i) => $"{i + 1}\n00:00:0{2 * i},200 --> 00:00:0{2 * i + 1},800\n{s}\n")));
            var output = Path.Combine(folder, "recording.mkv");
            List<string> arguments =
            [
                "-hide_banner", "-nostdin", "-y",
                "-f", "lavfi", "-i", "color=c=red:s=320x240:r=10:d=2",
                "-f", "lavfi", "-i", "color=c=blue:s=320x240:r=10:d=2",
                "-f", "lavfi", "-i", "color=c=green:s=320x240:r=10:d=2",
                "-f", "lavfi", "-i", "sine=frequency=440:duration=6",
            ];
            if (withSubtitles) arguments.AddRange(["-i", srt]);
            arguments.AddRange(["-filter_complex", "[0:v][1:v][2:v]concat=n=3:v=1:a=0[v]", "-map", "[v]", "-map", "3:a"]);
            if (withSubtitles) arguments.AddRange(["-map", "4:s", "-c:s", "srt"]);
            arguments.AddRange(["-c:v", "mpeg4", "-c:a", "aac", output]);
            var start = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in arguments) start.ArgumentList.Add(a);
            using var process = Process.Start(start)!;
            var stderr = await process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            Assert.True(process.ExitCode == 0, "ffmpeg could not make the test video: " + stderr);
            return await File.ReadAllBytesAsync(output);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
