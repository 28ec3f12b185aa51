using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Tessera.Core.Errors;
using Tessera.Platform.Tools;

namespace Tessera.Guides.Processing;

/// <summary>What ffprobe says of a video: its length and which kinds of streams it holds.</summary>
internal sealed record MediaInfo(double DurationSeconds, bool HasVideo, bool HasAudio, int SubtitleStreams);

/// <summary>A frame ffmpeg kept (the first, and each that starts a new screen), at <see cref="TimeSeconds"/>, written to <see cref="Path"/>.</summary>
internal sealed record ExtractedFrame(int Index, double TimeSeconds, string Path);

/// <summary>
/// ffprobe and ffmpeg on a video in a scratch folder: probing, the frames where the screen changes (ffmpeg's scene
/// score, with showinfo for their times), the frame at a chosen time, the audio as 16 kHz mono WAV, and the first subtitle stream as SubRip.
/// A tool that fails is a 422 <c>GUIDES_VIDEO_INVALID</c> with its last words; one that cannot start, a 503.
/// </summary>
internal sealed partial class MediaTools(GuidesSettings settings)
{
    public const string AudioFileName = "audio.wav";

    private TimeSpan Timeout => TimeSpan.FromSeconds(settings.ToolTimeoutSeconds);

    public async Task<MediaInfo> ProbeAsync(string video, string folder, CancellationToken cancellationToken)
    {
        var outcome = await RunAsync(settings.FfprobePath, "guides:ffprobe_path",
            ["-v", "error", "-print_format", "json", "-show_format", "-show_streams", video], folder, cancellationToken).ConfigureAwait(false);
        using var json = JsonDocument.Parse(outcome.Stdout);
        var types = json.RootElement.TryGetProperty("streams", out var streams)
            ? streams.EnumerateArray().Select(s => s.TryGetProperty("codec_type", out var t) ? t.GetString() : null).ToList()
            : [];
        var duration = json.RootElement.TryGetProperty("format", out var format) && format.TryGetProperty("duration", out var d) &&
            double.TryParse(d.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) ? seconds : 0;
        return new MediaInfo(Math.Round(duration, 3), types.Contains("video"), types.Contains("audio"), types.Count(t => t == "subtitle"));
    }

    public async Task<IReadOnlyList<ExtractedFrame>> FramesAsync(string video, string folder, CancellationToken cancellationToken)
    {
        var threshold = settings.SceneThreshold.ToString("0.###", CultureInfo.InvariantCulture);
        var outcome = await RunAsync(settings.FfmpegPath, "guides:ffmpeg_path",
            ["-hide_banner", "-nostdin", "-i", video, "-vf", $"select='eq(n\\,0)+gt(scene\\,{threshold})',showinfo", "-fps_mode", "vfr",
             "-frames:v", settings.MaxFrames.ToString(CultureInfo.InvariantCulture), Path.Combine(folder, "frame_%05d.png")], folder, cancellationToken).ConfigureAwait(false);
        var times = outcome.Stderr.Split('\n').Where(l => l.Contains("Parsed_showinfo", StringComparison.Ordinal))
            .Select(l => PtsTime().Match(l)).Where(m => m.Success).Select(m => double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).ToList();
        var frames = new List<ExtractedFrame>();
        for (var i = 0; i < times.Count; i++)
        {
            var file = Path.Combine(folder, $"frame_{i + 1:00000}.png");
            if (File.Exists(file)) frames.Add(new ExtractedFrame(i, Math.Round(times[i], 3), file));
        }
        if (frames.Count == 0) throw new TesseraException(GuidesErrorCodes.VideoInvalid, 422, "ffmpeg found no frame in the video.");
        return frames;
    }

    /// <summary>
    /// The frame at <paramref name="milliseconds"/>, as PNG: the first frame shown at or after that time (an exact
    /// seek: ffmpeg decodes from the key frame before and drops what comes earlier), so the same time always gives the
    /// same frame. A time after the last frame began has none after it: then the last frame, still on screen, is taken,
    /// decoding at most <see cref="TailWindowSeconds"/> before the time.
    /// </summary>
    public async Task<string> FrameAtAsync(string video, string folder, long milliseconds, CancellationToken cancellationToken)
    {
        var file = Path.Combine(folder, $"at_{milliseconds}.png");
        await RunAsync(settings.FfmpegPath, "guides:ffmpeg_path",
            ["-hide_banner", "-nostdin", "-y", "-accurate_seek", "-ss", Seconds(milliseconds), "-i", video, "-map", "0:v:0", "-frames:v", "1", file], folder, cancellationToken)
            .ConfigureAwait(false);
        if (File.Exists(file)) return file;
        // -update 1 writes each frame over the one before: what stays is the last.
        await RunAsync(settings.FfmpegPath, "guides:ffmpeg_path",
            ["-hide_banner", "-nostdin", "-y", "-accurate_seek", "-ss", Seconds(Math.Max(0, milliseconds - TailWindowSeconds * 1000)), "-i", video, "-map", "0:v:0",
             "-fps_mode", "passthrough", "-update", "1", file], folder, cancellationToken).ConfigureAwait(false);
        if (!File.Exists(file)) throw new TesseraException(GuidesErrorCodes.VideoInvalid, 422, $"ffmpeg found no frame at {Seconds(milliseconds)} s of the video.");
        return file;
    }

    private const int TailWindowSeconds = 10;

    private static string Seconds(long milliseconds) => (milliseconds / 1000m).ToString("0.###", CultureInfo.InvariantCulture);

    public async Task<string> AudioAsync(string video, string folder, CancellationToken cancellationToken)
    {
        var file = Path.Combine(folder, AudioFileName);
        await RunAsync(settings.FfmpegPath, "guides:ffmpeg_path",
            ["-hide_banner", "-nostdin", "-i", video, "-vn", "-ac", "1", "-ar", "16000", "-c:a", "pcm_s16le", file], folder, cancellationToken).ConfigureAwait(false);
        return file;
    }

    /// <summary>The first subtitle stream as SubRip text.</summary>
    public async Task<string> SubtitlesAsync(string video, string folder, CancellationToken cancellationToken)
    {
        var file = Path.Combine(folder, "subtitles.srt");
        await RunAsync(settings.FfmpegPath, "guides:ffmpeg_path",
            ["-hide_banner", "-nostdin", "-i", video, "-map", "0:s:0", "-f", "srt", file], folder, cancellationToken).ConfigureAwait(false);
        return await File.ReadAllTextAsync(file, cancellationToken).ConfigureAwait(false);
    }

    private async Task<ToolRunner.Outcome> RunAsync(string tool, string setting, IReadOnlyList<string> arguments, string folder, CancellationToken cancellationToken)
    {
        var outcome = await ToolRunner.RunAsync(tool, setting, GuidesErrorCodes.ToolFailed, arguments, folder, Timeout, cancellationToken).ConfigureAwait(false);
        if (outcome.Succeeded) return outcome;
        var said = outcome.TimedOut ? $"it ran past {settings.ToolTimeoutSeconds} s (guides:tool_timeout_seconds)" : LastLines(outcome.Stderr);
        throw new TesseraException(GuidesErrorCodes.VideoInvalid, 422, $"{Path.GetFileName(tool)} could not read the video: {said}");
    }

    private static string LastLines(string text)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return lines.Length == 0 ? "no output" : string.Join(" / ", lines.TakeLast(3));
    }

    [GeneratedRegex(@"pts_time:\s*([0-9]+(?:\.[0-9]+)?)")]
    private static partial Regex PtsTime();
}
