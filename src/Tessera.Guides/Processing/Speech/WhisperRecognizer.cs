using Whisper.net;

namespace Tessera.Guides.Processing.Speech;

/// <summary>
/// whisper.cpp in this process (Whisper.net), on a model imported with <c>tessera models import-whisper</c>: segments
/// with their words' times (from whisper's token timestamps). The transcript records <c>whisper:NAME:SHA256-PREFIX</c>,
/// so it says which model heard it. The native work runs on the thread pool, never on the caller's thread, and stops
/// when the job is cancelled.
/// </summary>
internal sealed class WhisperRecognizer(WhisperModel model, WhisperEngine engine, GuidesSettings settings) : ISpeechRecognizer
{
    public const string RecognizerName = "whisper";

    // whisper.cpp's token times count hundredths of a second.
    private const double TokenTimeUnit = 0.01;

    public string Name => $"{RecognizerName}:{model.Name}:{model.Sha256[..12]}";

    public async Task<IReadOnlyList<TranscriptSegment>> RecognizeAsync(string wavPath, string scratch, CancellationToken cancellationToken)
    {
        var factory = await engine.FactoryAsync(model, cancellationToken).ConfigureAwait(false);
        return await Task.Run(async () =>
        {
            var builder = factory.CreateBuilder().WithTokenTimestamps();
            builder = settings.WhisperLanguage == "auto" ? builder.WithLanguageDetection() : builder.WithLanguage(settings.WhisperLanguage);
            // Disposed asynchronously: that waits for the native call Whisper.net aborts on cancellation, while a
            // plain Dispose frees its state under it (a segfault, seen with Whisper.net 1.9.1).
            await using var processor = builder.Build();
            await using var audio = File.OpenRead(wavPath);
            var segments = new List<TranscriptSegment>();
            await foreach (var segment in processor.ProcessAsync(audio, cancellationToken).ConfigureAwait(false))
                if (Segment(segment) is { } kept) segments.Add(kept);
            return segments;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// A whisper segment with its words: tokens are word pieces, and one that starts with a space starts a word.
    /// Special tokens (timestamps, end of text: <c>[_…]</c> or <c>&lt;|…|&gt;</c>) are dropped; word times are kept
    /// inside the segment's.
    /// </summary>
    internal static TranscriptSegment? Segment(SegmentData segment)
    {
        var text = segment.Text.Trim();
        if (text.Length == 0) return null;
        var start = Math.Round(segment.Start.TotalSeconds, 3);
        var end = Math.Round(segment.End.TotalSeconds, 3);
        var words = new List<TranscriptWord>();
        foreach (var token in segment.Tokens ?? [])
        {
            var piece = token.Text ?? "";
            if (piece.Length == 0 || piece.StartsWith("[_", StringComparison.Ordinal) || piece.StartsWith("<|", StringComparison.Ordinal)) continue;
            var tokenStart = Math.Clamp(Math.Round(token.Start * TokenTimeUnit, 3), start, end);
            var tokenEnd = Math.Clamp(Math.Round(token.End * TokenTimeUnit, 3), tokenStart, end);
            if (words.Count == 0 || piece.StartsWith(' '))
            {
                if (piece.Trim().Length > 0) words.Add(new TranscriptWord(piece.Trim(), tokenStart, tokenEnd));
            }
            else
            {
                words[^1] = words[^1] with { Word = words[^1].Word + piece.Trim(), End = tokenEnd };
            }
        }
        return new TranscriptSegment(start, end, text, words.Count > 0 ? words : null);
    }
}
