using System.Text.Json;
using System.Text.Json.Serialization;

namespace Tessera.Guides.Instructions;

/// <summary>
/// One step of the instructions: its <see cref="Id"/> stays the same across versions (anchors will pin to it), its
/// narration window (<see cref="Start"/>–<see cref="End"/> seconds, from the writer) and its screenshot, a frame of the video.
/// </summary>
internal sealed record InstructionBlock(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("text")] string Text,
    [property: JsonPropertyName("start")] double? Start,
    [property: JsonPropertyName("end")] double? End,
    [property: JsonPropertyName("frame_sha256")] string? FrameSha256,
    [property: JsonPropertyName("frame_time_seconds")] double? FrameTimeSeconds)
{
    public static string Serialize(IReadOnlyList<InstructionBlock> blocks) => JsonSerializer.Serialize(blocks);

    public static IReadOnlyList<InstructionBlock> Parse(string json) => JsonSerializer.Deserialize<List<InstructionBlock>>(json) ?? [];
}

/// <summary>A job's instructions; <see cref="CurrentVersion"/> is the version a save must name as its base.</summary>
internal sealed record Instruction
{
    public Guid Id { get; init; }
    public Guid JobId { get; init; }
    public Guid OrgId { get; init; }
    public Guid UserId { get; init; }
    public int CurrentVersion { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>One immutable version: its blocks (JSON), who made it (<c>writer</c> or <c>editor</c>), and what validation found.</summary>
internal sealed record InstructionVersion
{
    public Guid InstructionId { get; init; }
    public int Version { get; init; }
    public string Blocks { get; init; } = "[]";
    public string Source { get; init; } = "";
    public string ValidationStatus { get; init; } = "";
    public string ValidationIssues { get; init; } = "[]";
    public DateTimeOffset CreatedAt { get; init; }
}

/// <summary>What validation says of a version: <c>valid</c>, or <c>needs_review</c> with the issues, each naming its block.</summary>
internal static class InstructionValidation
{
    public const string Valid = "valid";
    public const string NeedsReview = "needs_review";

    public static (string Status, List<string> Issues) Of(IReadOnlyList<InstructionBlock> blocks, IEnumerable<string> extra)
    {
        var issues = extra.ToList();
        if (blocks.Count == 0) issues.Add("There are no steps.");
        foreach (var (block, i) in blocks.Select((b, i) => (b, i)))
            if (block.FrameSha256 is null) issues.Add($"Step {i + 1} ({block.Id}) has no screenshot.");
        return (issues.Count == 0 ? Valid : NeedsReview, issues);
    }
}
