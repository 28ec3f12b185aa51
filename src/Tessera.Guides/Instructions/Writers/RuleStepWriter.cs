using Tessera.Guides.Processing;

namespace Tessera.Guides.Instructions.Writers;

/// <summary>The built-in writer: <see cref="StepWriter"/>'s rules, in process.</summary>
internal sealed class RuleStepWriter : IStepWriter
{
    public const string WriterKind = "rules";

    public string Kind => WriterKind;

    public Task<WrittenSteps> WriteAsync(Guid jobId, IReadOnlyList<TranscriptSegment> segments, IReadOnlyList<FrameRef> frames, CancellationToken cancellationToken)
    {
        var (blocks, issues) = StepWriter.Write(jobId, segments, frames);
        return Task.FromResult(new WrittenSteps(blocks, issues, WriterKind));
    }
}
