using Tessera.Guides.Processing;

namespace Tessera.Guides.Instructions.Writers;

/// <summary>
/// Turns a transcript and the video's screens into numbered steps, each with its narration window and screenshot.
/// <see cref="Kind"/> is what <c>guides:writer</c> names; <see cref="WrittenSteps.Writer"/> what provenance records.
/// A failure the input causes is a 4xx <see cref="Core.Errors.TesseraException"/>; one retrying may mend a 5xx.
/// </summary>
internal interface IStepWriter
{
    string Kind { get; }

    Task<WrittenSteps> WriteAsync(Guid jobId, IReadOnlyList<TranscriptSegment> segments, IReadOnlyList<FrameRef> frames, CancellationToken cancellationToken);
}

/// <summary>The steps a writer wrote, what it noted for review, and which writer (and model) it was.</summary>
internal sealed record WrittenSteps(IReadOnlyList<InstructionBlock> Blocks, IReadOnlyList<string> Issues, string Writer);

/// <summary>
/// The writer <c>guides:writer</c> names, among those registered, with its steps held to what a save accepts (see
/// <see cref="StepText"/>, <see cref="InstructionService.MaxBlocks"/>): a version a writer made can always be saved again.
/// </summary>
internal sealed class StepWriters(IEnumerable<IStepWriter> writers, GuidesSettings settings)
{
    private IStepWriter Configured => writers.Single(w => w.Kind == settings.Writer);

    public string Kind => Configured.Kind;

    public async Task<WrittenSteps> WriteAsync(Guid jobId, IReadOnlyList<TranscriptSegment> segments, IReadOnlyList<FrameRef> frames, CancellationToken cancellationToken)
    {
        var written = await Configured.WriteAsync(jobId, segments, frames, cancellationToken).ConfigureAwait(false);
        List<string> issues = [.. written.Issues];
        var blocks = new List<InstructionBlock>(Math.Min(written.Blocks.Count, InstructionService.MaxBlocks));
        foreach (var (block, i) in written.Blocks.Select((b, i) => (b, i)))
        {
            var text = StepText.Clean(block.Text, InstructionService.MaxTextLength, out var cut);
            if (text.Length == 0) continue;
            if (cut) issues.Add($"Step {i + 1} was cut to {InstructionService.MaxTextLength} characters.");
            if (blocks.Count == InstructionService.MaxBlocks)
            {
                issues.Add($"The writer wrote {written.Blocks.Count} steps; the steps after the first {InstructionService.MaxBlocks} were left out.");
                break;
            }
            blocks.Add(block with { Text = text });
        }
        return written with { Blocks = blocks, Issues = issues };
    }
}
