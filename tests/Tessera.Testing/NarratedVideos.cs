using System.Diagnostics;

namespace Tessera.Testing;

/// <summary>
/// Short screen recordings made with ffmpeg for the tests: three solid screens (red, blue, green) of two seconds each,
/// a tone, and optionally a subtitle stream narrating one step per screen; or (<see cref="MakeSpokenAsync"/>) screens
/// showing text, narrated aloud by espeak-ng with no subtitles.
/// </summary>
public static class NarratedVideos
{
    public static readonly string[] Steps = ["Open the Settings menu.", "Click Privacy.", "Press Save to finish."];

    /// <summary>What <see cref="MakeSpokenAsync"/> says, one sentence per screen.</summary>
    public static readonly string[] SpokenSteps = ["Open the settings menu.", "Click the privacy tab.", "Turn off location sharing.", "Finally, press save."];

    /// <summary>The words each spoken screen shows (a title, and a line of other controls).</summary>
    public static readonly (string Title, string Others)[] SpokenScreens =
    [
        ("Settings", "Account   Display   Sound"),
        ("Privacy", "Camera   Microphone   History"),
        ("Location sharing", "Off   On   Ask every time"),
        ("Saved", "Your changes are kept"),
    ];

    /// <summary>How long each spoken screen stays, in seconds.</summary>
    public const double SpokenScreenSeconds = 3.5;

    /// <summary>
    /// Four white screens with black text (<see cref="SpokenScreens"/>), each <see cref="SpokenScreenSeconds"/> s, and
    /// espeak-ng (voice en-us+f2, 110 words a minute) saying one of <see cref="SpokenSteps"/> from the start of each;
    /// lossless FLAC audio in Matroska, no subtitle stream.
    /// </summary>
    public static async Task<byte[]> MakeSpokenAsync()
    {
        var folder = Directory.CreateTempSubdirectory("guides-spoken-").FullName;
        try
        {
            List<string> arguments = ["-hide_banner", "-nostdin", "-y"];
            var seconds = SpokenScreenSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            foreach (var (title, others) in SpokenScreens)
                arguments.AddRange(["-f", "lavfi", "-i",
                    $"color=c=white:s=640x360:r=10:d={seconds},drawtext=text='{title}':fontcolor=black:fontsize=44:x=40:y=50,drawtext=text='{others}':fontcolor=black:fontsize=26:x=40:y=180"]);
            for (var i = 0; i < SpokenSteps.Length; i++)
            {
                var wav = Path.Combine(folder, $"step{i}.wav");
                await RunAsync("espeak-ng", ["-v", "en-us+f2", "-s", "110", "-w", wav, SpokenSteps[i]]);
                arguments.AddRange(["-i", wav]);
            }
            var n = SpokenScreens.Length;
            var filter = string.Concat(Enumerable.Range(0, n).Select(i => $"[{i}:v]")) + $"concat=n={n}:v=1:a=0[v];" +
                string.Concat(Enumerable.Range(0, n).Select(i => $"[{n + i}:a]aresample=16000,apad=whole_dur={seconds}[a{i}];")) +
                string.Concat(Enumerable.Range(0, n).Select(i => $"[a{i}]")) + $"concat=n={n}:v=0:a=1[a]";
            var output = Path.Combine(folder, "recording.mkv");
            arguments.AddRange(["-filter_complex", filter, "-map", "[v]", "-map", "[a]", "-c:v", "mpeg4", "-c:a", "flac", output]);
            await RunAsync("ffmpeg", arguments);
            return await File.ReadAllBytesAsync(output);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task RunAsync(string tool, IReadOnlyList<string> arguments)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in arguments) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = await process.StandardError.ReadToEndAsync();
        await stdout;
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"{tool} could not make the test video: {stderr}");
    }

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
            await RunAsync("ffmpeg", arguments);
            return await File.ReadAllBytesAsync(output);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
