using Tessera.Platform.Tools;

namespace Tessera.Chem.Docking;

/// <summary>Told of each command line tool an execution runs, to record it: when it started, how it ended, and what it said.</summary>
internal interface IToolObserver
{
    Task StartedAsync(string step, string tool, CancellationToken cancellationToken);

    Task FinishedAsync(string step, string tool, ToolRunner.Outcome outcome, CancellationToken cancellationToken);
}
