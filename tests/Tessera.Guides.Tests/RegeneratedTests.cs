using Tessera.Guides.Instructions;
using Tessera.Guides.Regeneration;

namespace Tessera.Guides.Tests;

/// <summary>How written steps replace selected blocks: by narration window, ids kept where they can be, nothing lost.</summary>
public class RegeneratedTests
{
    private static readonly Guid Task = Guid.Parse("0193a2b4-0000-7000-8000-000000000001");

    private static readonly InstructionBlock[] Current =
    [
        new("blk_one", "Open it.", 0, 4, "a", 1),
        new("blk_two", "Do the thing.", 4, 9, "b", 5),
        new("blk_hand", "Close the window.", null, null, null, null),
    ];

    [Fact]
    public void Every_step_is_replaced_when_nothing_is_selected()
    {
        InstructionBlock[] written = [new("blk_w0", "Open Settings.", 0, 3, "a", 1)];

        var outcome = Regenerated.Apply(Current, null, written, Task);

        Assert.Equal(written, outcome.Blocks);
        Assert.Equal(["blk_w0"], outcome.Rewritten);
        Assert.Empty(outcome.Notes);
    }

    [Fact]
    public void A_selected_block_takes_the_steps_said_in_its_window_the_first_keeping_its_id()
    {
        InstructionBlock[] written =
        [
            new("blk_w0", "Open Settings.", 0, 3.5, "a", 1),
            new("blk_w1", "Click Privacy.", 4.2, 6, "b", 5),
            new("blk_w2", "Turn off sharing.", 6.5, 8.8, "c", 7),
        ];

        var outcome = Regenerated.Apply(Current, ["blk_two"], written, Task);

        Assert.Equal(["Open it.", "Click Privacy.", "Turn off sharing.", "Close the window."], outcome.Blocks.Select(b => b.Text));
        Assert.Equal("blk_two", outcome.Blocks[1].Id);
        Assert.Matches("^blk_[0-9a-f]{12}$", outcome.Blocks[2].Id);
        Assert.DoesNotContain(outcome.Blocks[2].Id, Current.Select(b => b.Id));
        Assert.Equal(["blk_two", outcome.Blocks[2].Id], outcome.Rewritten);
        // The same task writes the same ids (a retried attempt agrees with the first).
        Assert.Equal(outcome.Blocks, Regenerated.Apply(Current, ["blk_two"], written, Task).Blocks);
    }

    [Fact]
    public void A_selected_block_with_nothing_written_in_its_window_stays_and_says_so()
    {
        InstructionBlock[] written = [new("blk_w0", "Open Settings.", 0, 3.5, "a", 1)];

        var outcome = Regenerated.Apply(Current, ["blk_two"], written, Task);

        Assert.Equal(Current, outcome.Blocks);
        Assert.Equal(["blk_two"], outcome.Unchanged);
        Assert.Contains("blk_two", Assert.Single(outcome.Notes), StringComparison.Ordinal);
    }
}
