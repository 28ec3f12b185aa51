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

/// <summary>The writer <c>guides:writer</c> names, among those registered.</summary>
internal sealed class StepWriters(IEnumerable<IStepWriter> writers, GuidesSettings settings)
{
    public IStepWriter Configured => writers.Single(w => w.Kind == settings.Writer);
}
