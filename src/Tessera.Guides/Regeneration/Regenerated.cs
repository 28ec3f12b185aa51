using System.Security.Cryptography;
using System.Text;
using Tessera.Guides.Instructions;

namespace Tessera.Guides.Regeneration;

/// <summary>
/// How freshly written steps replace an instruction's: every step when nothing is selected; otherwise each selected
/// block by the written steps said within its narration window (a step's middle inside it), the first keeping the
/// block's id (so its anchor stays), any more with new ids fixed by the task. A selected block the writer wrote
/// nothing for in its window stays as it was, and the result notes it. Unselected blocks are untouched.
/// </summary>
internal static class Regenerated
{
    public sealed record Outcome(IReadOnlyList<InstructionBlock> Blocks, IReadOnlyList<string> Rewritten, IReadOnlyList<string> Unchanged, IReadOnlyList<string> Notes);

    public static Outcome Apply(IReadOnlyList<InstructionBlock> current, IReadOnlyList<string>? selection, IReadOnlyList<InstructionBlock> written, Guid taskId)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(written);
        if (selection is null) return new Outcome(written, [.. written.Select(b => b.Id)], [], []);
        var selected = new HashSet<string>(selection, StringComparer.Ordinal);
        var taken = new HashSet<InstructionBlock>(ReferenceEqualityComparer.Instance);
        var ids = new HashSet<string>(current.Select(b => b.Id), StringComparer.Ordinal);
        List<InstructionBlock> blocks = [];
        List<string> rewritten = [], unchanged = [], notes = [];
        foreach (var (block, position) in current.Select((b, i) => (b, i)))
        {
            if (!selected.Contains(block.Id))
            {
                blocks.Add(block);
                continue;
            }
            var inWindow = written.Where(w => !taken.Contains(w) && Middle(w) is { } m && m >= block.Start && m <= block.End).ToList();
            if (inWindow.Count == 0)
            {
                blocks.Add(block);
                unchanged.Add(block.Id);
                notes.Add($"Step {position + 1} ({block.Id}): the writer wrote no step in its narration window ({block.Start:0.##}–{block.End:0.##} s); it is unchanged.");
                continue;
            }
            foreach (var (step, k) in inWindow.Select((w, k) => (w, k)))
            {
                taken.Add(step);
                var id = k == 0 ? block.Id : NewId(taskId, block.Id, k, ids);
                blocks.Add(step with { Id = id });
                rewritten.Add(id);
            }
        }
        return new Outcome(blocks, rewritten, unchanged, notes);
    }

    private static double? Middle(InstructionBlock block) => block is { Start: { } s, End: { } e } ? (s + e) / 2 : null;

    // Fixed by the task, block and position, so a retried attempt writes the same ids; never one already there.
    private static string NewId(Guid taskId, string blockId, int index, HashSet<string> ids)
    {
        for (var salt = 0; ; salt++)
        {
            var id = "blk_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{taskId:N}:{blockId}:{index}:{salt}")))[..12];
            if (ids.Add(id)) return id;
        }
    }
}
