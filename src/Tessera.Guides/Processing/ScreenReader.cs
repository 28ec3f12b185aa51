using System.Text.RegularExpressions;
using Tessera.Core.Errors;
using Tessera.Platform.Tools;

namespace Tessera.Guides.Processing;

/// <summary>
/// Reads the text on a frame with tesseract (sparse-text mode: a screen is labels and menus, not a page), so the writer
/// can pin a step that says "open Settings" to the screen that shows "Settings". Reading is an aid, not a stage of its
/// own: a frame tesseract cannot read has no text, and a tesseract that cannot be started is reported once per video
/// (<see cref="ScreenText.Unavailable"/>) rather than failing the job.
/// </summary>
internal sealed partial class ScreenReader(GuidesSettings settings)
{
    public bool Enabled => !string.IsNullOrWhiteSpace(settings.TesseractPath);

    /// <summary>The text on <paramref name="png"/>, its whitespace collapsed; empty when tesseract finds none or cannot read the file.</summary>
    public async Task<string> ReadAsync(string png, string scratch, CancellationToken cancellationToken)
    {
        var outcome = await ToolRunner.RunAsync(settings.TesseractPath, "guides:tesseract_path", GuidesErrorCodes.ToolFailed,
            [png, "stdout", "--psm", "11", "-l", "eng"], scratch, TimeSpan.FromSeconds(settings.ToolTimeoutSeconds), cancellationToken).ConfigureAwait(false);
        return outcome.Succeeded ? Whitespace().Replace(outcome.Stdout, " ").Trim() : "";
    }

    /// <summary>
    /// The text of each frame, in order; when tesseract cannot be started, no texts and why (the draft then pins steps
    /// by time alone).
    /// </summary>
    public async Task<ScreenText> ReadAllAsync(IReadOnlyList<ExtractedFrame> frames, string scratch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(frames);
        if (!Enabled) return new ScreenText([], "guides:tesseract_path is empty");
        var texts = new List<string>(frames.Count);
        try
        {
            foreach (var frame in frames) texts.Add(await ReadAsync(frame.Path, scratch, cancellationToken).ConfigureAwait(false));
        }
        catch (TesseraException e) when (e.Code == GuidesErrorCodes.ToolFailed)
        {
            return new ScreenText([], e.Message);
        }
        return new ScreenText(texts, null);
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}

/// <summary>The frames' texts in order, or none and <see cref="Unavailable"/> saying why.</summary>
internal sealed record ScreenText(IReadOnlyList<string> Texts, string? Unavailable);
