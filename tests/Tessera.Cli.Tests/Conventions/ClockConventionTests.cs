using System.Text.RegularExpressions;
using Tessera.Testing;

namespace Tessera.Cli.Tests.Conventions;

/// <summary>Time comes from the injected <see cref="TimeProvider"/>, so tests can set and move it.</summary>
public partial class ClockConventionTests
{
    /// <summary>Files that may read the system clock directly, each with why. Empty: every reader takes a TimeProvider.</summary>
    private static readonly Dictionary<string, string> Allowed = new(StringComparer.Ordinal);

    [GeneratedRegex(@"\bDateTime(Offset)?\.(UtcNow|Now|Today)\b")]
    private static partial Regex SystemClockRead();

    [Fact]
    public void No_system_clock_reads_in_src_outside_the_allow_list()
    {
        var found = SourceTree.CSharpFiles()
            .Where(f => !Allowed.ContainsKey(f))
            .SelectMany(f => SourceTree.Matches(f, SystemClockRead()))
            .ToList();
        Assert.True(found.Count == 0, "Read the time from an injected TimeProvider (time.GetUtcNow()) instead:\n" + string.Join("\n", found));
    }
}
