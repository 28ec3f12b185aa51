namespace Tessera.Guides.Anchors;

/// <summary>
/// A screenshot of a job: a frame of its video (<see cref="AssetKind.Frame"/>, raw), an image a user uploaded
/// (<see cref="AssetKind.Upload"/>, raw, stored as PNG) or a raw one drawn on
/// (<see cref="AssetKind.Annotated"/>: its source, the operations and their hash). Never changed once written.
/// </summary>
internal sealed record GuideAsset
{
    public Guid Id { get; init; }
    public Guid JobId { get; init; }
    public Guid OrgId { get; init; }
    public Guid UserId { get; init; }
    public string Kind { get; init; } = AssetKind.Frame;
    public string Sha256 { get; init; } = "";
    public Guid? SourceAssetId { get; init; }
    public string? OpsHash { get; init; }
    public string? Ops { get; init; }
    public int Width { get; init; }
    public int Height { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
}

internal static class AssetKind
{
    public const string Frame = "frame";
    public const string Annotated = "annotated";
    public const string Upload = "upload";

    /// <summary>Raw screenshots (a frame of the video, an uploaded image) are what annotations are drawn on.</summary>
    public static bool IsRaw(string kind) => kind is Frame or Upload;
}

/// <summary>
/// Screenshots pinned to a step: by <see cref="BlockId"/>, with <see cref="Quote"/> (the text of the char range it was
/// made on, or the whole step) as the fallback. <see cref="Resolution"/> says where it stands in
/// <see cref="ResolvedVersion"/>: resolved, moved, or orphaned.
/// </summary>
internal sealed record GuideAnchor
{
    public Guid Id { get; init; }
    public Guid InstructionId { get; init; }
    public Guid JobId { get; init; }
    public Guid OrgId { get; init; }
    public Guid UserId { get; init; }
    public string BlockId { get; init; } = "";
    public int? CharStart { get; init; }
    public int? CharEnd { get; init; }
    public string Quote { get; init; } = "";
    public int CreatedVersion { get; init; }
    public int CreatedIndex { get; init; }
    public int ResolvedVersion { get; init; }
    public string? ResolvedBlockId { get; init; }
    public int? ResolvedIndex { get; init; }
    public string Resolution { get; init; } = AnchorResolution.Resolved;
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
}

internal static class AnchorResolution
{
    public const string Resolved = "resolved";
    public const string Moved = "moved";
    public const string Orphaned = "orphaned";
}

/// <summary>An asset attached to an anchor, in attach order; detached ones stay listed.</summary>
internal sealed record AnchorAsset
{
    public Guid AnchorId { get; init; }
    public int Seq { get; init; }
    public Guid AssetId { get; init; }
    public DateTimeOffset AttachedAt { get; init; }
    public DateTimeOffset? DetachedAt { get; init; }
}
