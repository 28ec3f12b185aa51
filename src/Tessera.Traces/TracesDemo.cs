using Microsoft.Extensions.DependencyInjection;
using Tessera.Platform.Modules;
using Tessera.Traces.Sources;

namespace Tessera.Traces;

/// <summary>
/// <c>tessera up</c>'s Traces demo: the demo organization watches the data dir's inbox, so logs dropped there show on
/// the map with no set-up. Kept across restarts (found by name), and left alone once the user changed or removed it.
/// </summary>
internal static class TracesDemo
{
    public const string SourceName = "inbox";

    public static async Task SeedAsync(DemoContext demo, CancellationToken cancellationToken)
    {
        var sources = demo.Services.GetRequiredService<TracesSourceService>();
        var inbox = demo.Services.GetRequiredService<SourcePathPolicy>().Inbox;
        Directory.CreateDirectory(inbox);
        if (await sources.FindByNameAsync(demo.Owner, SourceName, cancellationToken).ConfigureAwait(false) is null)
            await sources.CreateAsync(demo.Owner, new TracesSourceSettings(SourceName, inbox), cancellationToken).ConfigureAwait(false);
        await demo.Output.WriteLineAsync(
            $"Traces: drop agent-run logs (seed JSONL, smolagents messages.jsonl, SWE-agent .traj) into {inbox}; finished runs appear on {new Uri(demo.ServerUrl, "/traces")}.").ConfigureAwait(false);
    }
}
