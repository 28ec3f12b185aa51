using Tessera.Guides.Instructions;

namespace Tessera.Guides.Anchors;

/// <summary>
/// Where an anchor stands in a version of the instructions: its block at the same position (resolved) or elsewhere
/// (moved); with its block gone, the first step whose text holds its quote (moved); else orphaned.
/// </summary>
internal static class AnchorResolver
{
    public static GuideAnchor Resolve(GuideAnchor anchor, int version, IReadOnlyList<InstructionBlock> blocks)
    {
        ArgumentNullException.ThrowIfNull(anchor);
        ArgumentNullException.ThrowIfNull(blocks);
        var index = IndexOf(blocks, b => b.Id == anchor.BlockId);
        if (index < 0 && anchor.Quote.Length > 0) index = IndexOf(blocks, b => b.Text.Contains(anchor.Quote, StringComparison.Ordinal));
        var resolution = index < 0 ? AnchorResolution.Orphaned
            : blocks[index].Id == anchor.BlockId && index == anchor.CreatedIndex ? AnchorResolution.Resolved
            : AnchorResolution.Moved;
        return anchor with
        {
            ResolvedVersion = version, Resolution = resolution, ResolvedBlockId = index < 0 ? null : blocks[index].Id, ResolvedIndex = index < 0 ? null : index,
        };
    }

    private static int IndexOf(IReadOnlyList<InstructionBlock> blocks, Func<InstructionBlock, bool> match)
    {
        for (var i = 0; i < blocks.Count; i++)
            if (match(blocks[i])) return i;
        return -1;
    }
}
