using Tessera.Core.Errors;
using Tessera.Guides.Jobs;

namespace Tessera.Guides.Tests;

/// <summary>Every pair of statuses: the transitions the contract allows pass, every other is a 409 INVALID_TRANSITION.</summary>
public class GuideJobStatusTests
{
    private static readonly HashSet<(string, string)> Legal =
    [
        ("CREATED", "UPLOADED"), ("CREATED", "CANCELLED"),
        ("UPLOADED", "QUEUED"), ("UPLOADED", "CANCELLED"),
        ("QUEUED", "PROCESSING"), ("QUEUED", "FAILED"), ("QUEUED", "CANCELLED"),
        ("PROCESSING", "TRANSCRIBED"), ("PROCESSING", "FAILED"), ("PROCESSING", "CANCELLED"),
        ("TRANSCRIBED", "DRAFTED"), ("TRANSCRIBED", "FAILED"), ("TRANSCRIBED", "CANCELLED"),
        ("DRAFTED", "DONE"), ("DRAFTED", "FAILED"), ("DRAFTED", "CANCELLED"),
    ];

    public static TheoryData<string, string> AllPairs()
    {
        var data = new TheoryData<string, string>();
        foreach (var from in GuideJobStatus.All)
            foreach (var to in GuideJobStatus.All)
                data.Add(from, to);
        return data;
    }

    [Theory]
    [MemberData(nameof(AllPairs))]
    public void A_transition_is_allowed_exactly_when_the_contract_allows_it(string from, string to)
    {
        if (Legal.Contains((from, to)))
        {
            GuideJobStatus.Ensure(from, to);
            return;
        }
        var refused = Assert.Throws<TesseraException>(() => GuideJobStatus.Ensure(from, to));
        Assert.Equal(409, refused.Status);
        Assert.Equal("INVALID_TRANSITION", refused.Code);
        Assert.Equal(from, refused.Extensions["from"]);
        Assert.Equal(to, refused.Extensions["to"]);
    }

    [Theory]
    [InlineData("DONE")]
    [InlineData("FAILED")]
    [InlineData("CANCELLED")]
    public void Terminal_statuses_are_left_for_nothing(string terminal)
    {
        Assert.True(GuideJobStatus.IsTerminal(terminal));
        Assert.All(GuideJobStatus.All, to => Assert.False(GuideJobStatus.Allows(terminal, to)));
        Assert.Contains("terminal", Assert.Throws<TesseraException>(() => GuideJobStatus.Ensure(terminal, "QUEUED")).Message, StringComparison.Ordinal);
    }
}
