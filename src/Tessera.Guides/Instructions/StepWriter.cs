using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Tessera.Guides.Processing;

namespace Tessera.Guides.Instructions;

/// <summary>A frame of the video the writer may pin to a step.</summary>
internal sealed record FrameRef(double TimeSeconds, string Sha256);

/// <summary>
/// The rule-based writer: the transcript cut into sentences (each given its share of its segment's time by length),
/// sequence words dropped ("first", "then", "step two:"…), and each sentence that starts with a UI verb ("open",
/// "click", "press"…) made a numbered step, with the screenshot the narration speaks over: the last frame shown by
/// the time the step is said. When no sentence is an instruction, every sentence becomes a step and the draft says so.
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

    // Slack before a step's start: a narrator often names the control just before the screen changes to it.
    private const double FrameSlackSeconds = 0.5;

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
        var ordered = frames.OrderBy(f => f.TimeSeconds).ToList();
        var blocks = steps.Select((s, i) =>
        {
            var frame = ordered.LastOrDefault(f => f.TimeSeconds <= s.Start + FrameSlackSeconds) ?? ordered.FirstOrDefault();
            return new InstructionBlock(BlockId(jobId, i), s.Text, s.Start, s.End, frame?.Sha256, frame?.TimeSeconds);
        }).ToList();
        return (blocks, issues);
    }

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

    [GeneratedRegex(@"(?<=[.!?])\s+")]
    private static partial Regex SentenceEnd();

    [GeneratedRegex(@"^(?:(?:step\s+(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten)|first(?:ly)?|second(?:ly)?|third(?:ly)?|then|next|now|after\s+that|afterwards|finally|lastly|and\s+then|and)\b[\s,:.\-]*)+",
        RegexOptions.IgnoreCase)]
    private static partial Regex SequencePrefix();
}
