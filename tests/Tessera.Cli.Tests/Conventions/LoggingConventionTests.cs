using System.Text.RegularExpressions;
using Tessera.Testing;

namespace Tessera.Cli.Tests.Conventions;

/// <summary>Logging goes through source-generated <c>[LoggerMessage]</c> methods: no template parsing or boxing per call, and stable event ids.</summary>
public partial class LoggingConventionTests
{
    [GeneratedRegex(@"\.Log(Trace|Debug|Information|Warning|Error|Critical)\(|[Ll]ogger\.Log\(")]
    private static partial Regex LoggerExtensionCall();

    [Fact]
    public void No_logger_extension_calls_in_src()
    {
        var found = SourceTree.CSharpFiles().SelectMany(f => SourceTree.Matches(f, LoggerExtensionCall())).ToList();
        Assert.True(found.Count == 0, "Log through a [LoggerMessage] partial method instead (see src/Tessera.Jobs/Workers/JobsLog.cs):\n" + string.Join("\n", found));
    }
}
