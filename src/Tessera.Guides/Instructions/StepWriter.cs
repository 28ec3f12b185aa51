using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Tessera.Guides.Processing;

namespace Tessera.Guides.Instructions;

/// <summary>
/// The rule-based writer: the transcript cut into sentences (each given its share of its segment's time by length),
/// sequence words dropped ("first", "then", "step two:"…), and each sentence that starts with a UI verb ("open",
/// "click", "press"…) made a numbered step. Its screenshot is, among the screens shown while it is said, the one
/// whose text (read by tesseract) holds the most of the step's words ("open Settings" → the screen showing
/// "Settings"); when none does, the screen shown by the time it is said. Transition frames (on screen for less than
/// <see cref="MinScreenSeconds"/>) are passed over. When no sentence is an instruction, every sentence becomes a step
/// and the draft says so.
/// </summary>
internal static partial class StepWriter
{
    private static readonly HashSet<string> UiVerbs = new(StringComparer.OrdinalIgnoreCase)
    {
        "open", "close", "click", "double-click", "right-click", "press", "tap", "select", "choose", "pick", "type", "enter", "fill", "go", "navigate",
        "scroll", "drag", "drop", "check", "uncheck", "tick", "toggle", "enable", "disable", "turn", "switch", "save", "find", "search", "set", "copy",
        "paste", "move", "add", "remove", "delete", "create", "sign", "log", "upload", "download", "install", "start", "stop", "run", "wait", "expand",
        "collapse", "hover", "confirm", "accept", "cancel", "return", "launch", "use", "change", "edit", "rename", "attach", "send", "submit", "visit",
    };

    // Words too common to tell screens apart.
    private static readonly HashSet<string> StopWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "the", "and", "then", "your", "you", "this", "that", "for", "with", "from", "into", "onto", "on", "off", "of", "to", "in", "at", "it", "its", "a", "an",
        "button", "menu", "tab", "page", "screen", "field", "box", "icon", "link", "window", "option", "next", "now",
    };

    // Slack either side of a step: a narrator often names the control just before the screen changes to it.
    private const double FrameSlackSeconds = 0.5;

    /// <summary>A frame on screen for less than this is a transition between screens, not a screen.</summary>
    public const double MinScreenSeconds = 0.4;

    public static (IReadOnlyList<InstructionBlock> Blocks, IReadOnlyList<string> Issues) Write(Guid jobId, IReadOnlyList<TranscriptSegment> segments, IReadOnlyList<FrameRef> frames)
    {
        ArgumentNullException.ThrowIfNull(segments);
        ArgumentNullException.ThrowIfNull(frames);
        var sentences = segments.SelectMany(Sentences).Select(s => s with { Text = Instruction(s.Text) }).Where(s => s.Text.Length > 0).ToList();
        var steps = sentences.Where(s => UiVerbs.Contains(FirstWord(s.Text))).ToList();
        List<string> issues = [];
        if (steps.Count == 0 && sentences.Count > 0)
        {
            steps = sentences;
            issues.Add("No sentence of the narration reads as an instruction (none starts with a UI verb); every sentence became a step.");
        }
        var screens = Screens(frames);
        var blocks = steps.Select((s, i) =>
        {
            var frame = Screenshot(s, screens);
            return new InstructionBlock(BlockId(jobId, i), s.Text, s.Start, s.End, frame?.Sha256, frame?.TimeSeconds);
        }).ToList();
        return (blocks, issues);
    }

    private sealed record Screen(FrameRef Frame, double From, double Until, HashSet<string> Words);

    /// <summary>Each frame with how long it stays on screen (the last, to the end), transitions left out.</summary>
    private static List<Screen> Screens(IReadOnlyList<FrameRef> frames)
    {
        var ordered = frames.OrderBy(f => f.TimeSeconds).ToList();
        return ordered.Select((f, i) => new Screen(f, f.TimeSeconds, i + 1 < ordered.Count ? ordered[i + 1].TimeSeconds : double.PositiveInfinity, Words(f.Text ?? "")))
            .Where(s => s.Until - s.From >= MinScreenSeconds).ToList();
    }

    private static FrameRef? Screenshot(TranscriptSegment step, List<Screen> screens)
    {
        if (screens.Count == 0) return null;
        var byTime = screens.LastOrDefault(s => s.From <= step.Start + FrameSlackSeconds) ?? screens[0];
        // The instruction's verb names no control ("open", "click"); the rest may ("press Save": the Save button).
        var words = Words(step.Text);
        if (UiVerbs.Contains(FirstWord(step.Text))) words.Remove(FirstWord(step.Text));
        var byText = screens.Where(s => s.From <= step.End + FrameSlackSeconds && s.Until >= step.Start - FrameSlackSeconds)
            .Select(s => (Screen: s, Matches: s.Words.Count(words.Contains)))
            .Where(m => m.Matches > 0)
            .OrderByDescending(m => m.Matches).ThenBy(m => Math.Abs(m.Screen.From - byTime.From))
            .Select(m => m.Screen).FirstOrDefault();
        return (byText ?? byTime).Frame;
    }

    /// <summary>The distinct words of three letters or more that are not stop words, lower case.</summary>
    private static HashSet<string> Words(string text) =>
        new(WordPattern().Matches(text).Select(m => m.Value.ToLowerInvariant()).Where(w => w.Length >= 3 && !StopWords.Contains(w)), StringComparer.Ordinal);

    /// <summary>A block id the same for the same job and position, so a redraft of the same transcript keeps them.</summary>
    public static string BlockId(Guid jobId, int index) =>
        "blk_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{jobId:N}:{index}")))[..12];

    private static IEnumerable<TranscriptSegment> Sentences(TranscriptSegment segment)
    {
        var parts = SentenceEnd().Split(segment.Text).Select(p => p.Trim()).Where(p => p.Length > 0).ToList();
        var total = Math.Max(1, parts.Sum(p => p.Length));
        var at = segment.Start;
        foreach (var part in parts)
        {
            var length = (segment.End - segment.Start) * part.Length / total;
            yield return new TranscriptSegment(Math.Round(at, 3), Math.Round(at + length, 3), part);
            at += length;
        }
    }

    private static string Instruction(string sentence)
    {
        var text = SequencePrefix().Replace(sentence.Trim(), "").Trim();
        return text.Length == 0 ? "" : char.ToUpperInvariant(text[0]) + text[1..];
    }

    private static string FirstWord(string text) => text.Split(' ', 2)[0].TrimEnd(',', ':', ';').ToLowerInvariant();

    [GeneratedRegex(@"\p{L}+")]
    private static partial Regex WordPattern();

    [GeneratedRegex(@"(?<=[.!?])\s+")]
    private static partial Regex SentenceEnd();

    [GeneratedRegex(@"^(?:(?:step\s+(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten)|first(?:ly)?|second(?:ly)?|third(?:ly)?|then|next|now|after\s+that|afterwards|finally|lastly|and\s+then|and)\b[\s,:.\-]*)+",
        RegexOptions.IgnoreCase)]
    private static partial Regex SequencePrefix();
}
