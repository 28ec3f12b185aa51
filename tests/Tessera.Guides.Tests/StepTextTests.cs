using Tessera.Guides.Instructions;

namespace Tessera.Guides.Tests;

public class StepTextTests
{
    [Theory]
    [InlineData("Open\u0007 Settings.\u0000", "Open Settings.", false)]
    [InlineData(" Line one\nline\ttwo \r\n", "Line one\nline\ttwo", false)]
    [InlineData("Click \U0001F44D now", "Click \U0001F44D now", false)]
    public void Refused_characters_are_left_out_and_line_breaks_and_tabs_kept(string text, string expected, bool cut)
    {
        Assert.Equal(expected, StepText.Clean(text, 2000, out var wasCut));
        Assert.Equal(cut, wasCut);
        Assert.False(StepText.HoldsRefused(expected));
    }

    [Fact]
    public void A_text_over_the_limit_is_cut_at_a_word_or_else_between_characters_never_inside_a_surrogate_pair()
    {
        Assert.Equal("open the", StepText.Clean("open the settings", 12, out var cut));
        Assert.True(cut);
        Assert.Equal("abcdefghij", StepText.Clean("abcdefghijklmnop", 10, out _));
        // 9 letters then an emoji (two chars): a cut at 10 would split it, so the cut falls before it.
        Assert.Equal("abcdefghi", StepText.Clean("abcdefghi\U0001F44Dxyz", 10, out _));
    }
}
