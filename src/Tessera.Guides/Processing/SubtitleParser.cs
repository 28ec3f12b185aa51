using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Tessera.Guides.Processing;

/// <summary>
/// Reads SubRip (SRT) and WebVTT cues into transcript segments: each cue's start and end time and its text lines
/// joined by spaces, markup tags removed. Cues without a valid timing line are skipped; so are empty ones.
/// </summary>
internal static partial class SubtitleParser
{
    public static IReadOnlyList<TranscriptSegment> Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var segments = new List<TranscriptSegment>();
        var blocks = text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n').Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        foreach (var block in blocks)
        {
            var lines = block.Split('\n', StringSplitOptions.TrimEntries);
            var timing = Array.FindIndex(lines, l => Timing().IsMatch(l));
            if (timing < 0) continue;
            var match = Timing().Match(lines[timing]);
            var spoken = new StringBuilder();
            foreach (var line in lines.Skip(timing + 1).Where(l => l.Length > 0))
            {
                if (spoken.Length > 0) spoken.Append(' ');
                spoken.Append(Tags().Replace(line, ""));
            }
            var words = spoken.ToString().Trim();
            if (words.Length == 0) continue;
            segments.Add(new TranscriptSegment(Seconds(match.Groups["start"].Value), Seconds(match.Groups["end"].Value), words));
        }
        return segments;
    }

    // hh:mm:ss,mmm (SRT) or [hh:]mm:ss.mmm (WebVTT).
    private static double Seconds(string stamp)
    {
        var parts = stamp.Replace(',', '.').Split(':');
        var seconds = double.Parse(parts[^1], CultureInfo.InvariantCulture);
        var minutes = int.Parse(parts[^2], CultureInfo.InvariantCulture);
        var hours = parts.Length == 3 ? int.Parse(parts[0], CultureInfo.InvariantCulture) : 0;
        return Math.Round(hours * 3600 + minutes * 60 + seconds, 3);
    }

    [GeneratedRegex(@"^(?<start>(?:\d{1,2}:)?\d{2}:\d{2}[,.]\d{3})\s*-->\s*(?<end>(?:\d{1,2}:)?\d{2}:\d{2}[,.]\d{3})")]
    private static partial Regex Timing();

    [GeneratedRegex("<[^>]*>")]
    private static partial Regex Tags();
}
