using Tessera.Chem.OpenBabel;
using Tessera.Core.Errors;

namespace Tessera.Chem.Tests.OpenBabel;

/// <summary>The subprocess wrapper: a tool that overruns its deadline is killed and reported, a missing tool is a clear 503.</summary>
public class ObabelRunnerTests
{
    [Fact]
    public async Task A_call_past_its_deadline_is_killed_and_reported_as_timed_out()
    {
        // `sleep` stands in for a stuck obabel: the arguments go through as a list, as obabel's do.
        var runner = new ObabelRunner(new ChemSettings { ObabelPath = "sleep", ObabelTimeoutSeconds = 1 });
        var started = DateTime.UtcNow;
        var outcome = await runner.RunAsync(["30"], "", CancellationToken.None);
        Assert.True(outcome.TimedOut);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task A_missing_tool_is_a_problem_naming_the_setting()
    {
        var runner = new ObabelRunner(new ChemSettings { ObabelPath = "/nonexistent/obabel" });
        var error = await Assert.ThrowsAsync<TesseraException>(() => runner.RunAsync(["-V"], "", CancellationToken.None));
        Assert.Equal((ChemErrorCodes.ToolFailed, 503), (error.Code, error.Status));
        Assert.Contains("chem:obabel_path", error.Message, StringComparison.Ordinal);
    }
}
