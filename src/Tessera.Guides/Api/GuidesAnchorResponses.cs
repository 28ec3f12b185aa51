using System.Text.Json.Nodes;
using Tessera.Guides.Anchors;

namespace Tessera.Guides.Api;

internal sealed record GuidesCharRange(int Start, int End);

/// <summary>An anchor to make: the step's <paramref name="BlockId"/> and, optionally, the characters of its text it is about.</summary>
internal sealed record GuidesAnchorRequest(string? BlockId, GuidesCharRange? CharRange = null);

internal sealed record GuidesReplaceRequest(string? FrameSha256);

/// <summary>An operation log: arrow {from, to}, box/highlight/blur {rect}, text {at, text}; each with optional color, width, opacity, radius, size.</summary>
internal sealed record GuidesAnnotationRequest(JsonNode? Ops);

/// <summary>A screenshot: a frame of the video (raw) or a render of <paramref name="Ops"/> on <paramref name="SourceAssetId"/>.</summary>
internal sealed record GuidesAsset(
    Guid Id, string Kind, string Sha256, Guid? SourceAssetId, string? OpsHash, JsonNode? Ops, int Width, int Height, DateTimeOffset CreatedAt)
{
    public static GuidesAsset From(GuideAsset a) =>
        new(a.Id, a.Kind, a.Sha256, a.SourceAssetId, a.OpsHash, a.Ops is { } ops ? JsonNode.Parse(ops) : null, a.Width, a.Height, a.CreatedAt);
}

internal sealed record GuidesAttachment(int Seq, GuidesAsset Asset, DateTimeOffset AttachedAt, DateTimeOffset? DetachedAt);

/// <summary>
/// An anchor: where it was made (<paramref name="BlockId"/>, <paramref name="CharRange"/>, <paramref name="Quote"/>,
/// <paramref name="CreatedVersion"/>) and where it stands in <paramref name="ResolvedVersion"/> (<paramref name="Resolution"/>:
/// resolved, moved or orphaned), its <paramref name="ActiveAsset"/> and every attachment in order.
/// </summary>
internal sealed record GuidesAnchor(
    Guid Id, Guid InstructionId, Guid JobId, string BlockId, GuidesCharRange? CharRange, string Quote, int CreatedVersion, int ResolvedVersion,
    string? ResolvedBlockId, int? ResolvedIndex, string Resolution, GuidesAsset? ActiveAsset, IReadOnlyList<GuidesAttachment> Assets,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static GuidesAnchor From(AnchorView view)
    {
        var a = view.Anchor;
        return new GuidesAnchor(
            a.Id, a.InstructionId, a.JobId, a.BlockId, a.CharStart is { } start ? new GuidesCharRange(start, a.CharEnd!.Value) : null, a.Quote, a.CreatedVersion,
            a.ResolvedVersion, a.ResolvedBlockId, a.ResolvedIndex, a.Resolution, view.Active is { } active ? GuidesAsset.From(active) : null,
            view.Attachments.Select(x => new GuidesAttachment(x.Attachment.Seq, GuidesAsset.From(x.Asset), x.Attachment.AttachedAt, x.Attachment.DetachedAt)).ToList(),
            a.CreatedAt, a.UpdatedAt);
    }
}

internal sealed record GuidesAnnotation(GuidesAnchor Anchor, GuidesAsset Asset);
