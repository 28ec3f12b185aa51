namespace Tessera.Chem.Tasks;

/// <summary>
/// One immutable version of a task: its JSON Schemas (draft 2020-12) and resource hints as JSON text, and the
/// organization that owns it (null: a system task, visible to every organization).
/// </summary>
internal sealed record TaskDefinition
{
    public Guid Id { get; init; }
    public Guid? OrgId { get; init; }
    public string Name { get; init; } = "";
    public int Version { get; init; }
    public string Description { get; init; } = "";
    public string InputSchema { get; init; } = "{}";
    public string OutputSchema { get; init; } = "{}";
    public string Resources { get; init; } = "{}";

    /// <summary>The cache policy as JSON text (<see cref="TaskCachePolicy"/>); null: the default.</summary>
    public string? Cache { get; init; }
    public Guid? CreatedBy { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
}
