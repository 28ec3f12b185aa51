using System.Globalization;
using System.Text.RegularExpressions;
using Tessera.Core.Errors;
using Tessera.Platform.Tools;

namespace Tessera.Guides.Processing.Speech;

/// <summary>
/// Debian's CMU Sphinx (<c>pocketsphinx_continuous</c> with the <c>pocketsphinx-en-us</c> model): the recognizer that
/// needs nothing but packages. Its accuracy is poor (bench/guides reports its word error rate); it is the fallback
/// when no better recognizer is set. Each utterance it finds becomes a segment with its words' times.
/// </summary>
internal sealed partial class PocketsphinxRecognizer(GuidesSettings settings) : ISpeechRecognizer
{
    public const string RecognizerName = "pocketsphinx";

    public string Name => RecognizerName;

    public async Task<IReadOnlyList<TranscriptSegment>> RecognizeAsync(string wavPath, string scratch, CancellationToken cancellationToken)
    {
        var outcome = await ToolRunner.RunAsync(settings.PocketsphinxPath, "guides:pocketsphinx_path", GuidesErrorCodes.ToolFailed,
            ["-infile", wavPath, "-time", "yes", "-logfn", "/dev/null"], scratch, TimeSpan.FromSeconds(settings.ToolTimeoutSeconds), cancellationToken).ConfigureAwait(false);
        if (!outcome.Succeeded)
            throw new TesseraException(GuidesErrorCodes.TranscriptUnavailable, 422, outcome.TimedOut
                ? $"pocketsphinx ran past {settings.ToolTimeoutSeconds} s (guides:tool_timeout_seconds)."
                : $"pocketsphinx could not read the audio (exit {outcome.ExitCode}): {outcome.Stderr.Trim()}");
        return Parse(outcome.Stdout);
    }

    /// <summary>
    /// pocketsphinx's <c>-time yes</c> output: per utterance a line with its text, then <c>word start end confidence</c>
    /// lines between <c>&lt;s&gt;</c> and <c>&lt;/s&gt;</c>. Silences, noises and fillers are dropped, and the
    /// pronunciation variant marks (<c>the(2)</c>) removed.
    /// </summary>
    public static IReadOnlyList<TranscriptSegment> Parse(string output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var segments = new List<TranscriptSegment>();
        var words = new List<TranscriptWord>();
        foreach (var line in output.Split('\n', StringSplitOptions.TrimEntries))
        {
            var match = WordLine().Match(line);
            if (!match.Success) continue;
            var token = match.Groups["word"].Value;
            if (token == "</s>")
            {
                Flush();
                continue;
            }
            if (token.StartsWith('<') || token.StartsWith('[') || token.StartsWith("++", StringComparison.Ordinal)) continue;
            words.Add(new TranscriptWord(Variant().Replace(token, ""), Seconds(match.Groups["start"].Value), Seconds(match.Groups["end"].Value)));
        }
        Flush();
        return segments;

        void Flush()
        {
            if (words.Count > 0) segments.Add(new TranscriptSegment(words[0].Start, words[^1].End, string.Join(' ', words.Select(w => w.Word)), [.. words]));
            words.Clear();
        }
    }

    private static double Seconds(string text) => Math.Round(double.Parse(text, CultureInfo.InvariantCulture), 3);

    [GeneratedRegex(@"^(?<word>\S+) (?<start>\d+(?:\.\d+)?) (?<end>\d+(?:\.\d+)?) (?<confidence>-?\d+(?:\.\d+)?)$")]
    private static partial Regex WordLine();

    [GeneratedRegex(@"\(\d+\)$")]
    private static partial Regex Variant();
}
