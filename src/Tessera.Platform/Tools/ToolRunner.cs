using System.ComponentModel;
using System.Diagnostics;
using Tessera.Core.Errors;

namespace Tessera.Platform.Tools;

/// <summary>
/// Runs a command line tool (obabel, vina, ffmpeg) on files in a working folder: arguments as a list (never a shell string),
/// both outputs captured, a deadline, and cancellation that kills the whole process tree. A tool that cannot start is a
/// 503 with the module's <c>code</c>, naming the setting; a non-zero exit, a timeout or a cancellation is reported in the <see cref="Outcome"/>.
/// </summary>
public static class ToolRunner
{
    public sealed record Outcome(int ExitCode, string Stdout, string Stderr, bool TimedOut, TimeSpan Elapsed)
    {
        public bool Succeeded => !TimedOut && ExitCode == 0;
    }

    /// <summary>
    /// Runs <paramref name="tool"/> in <paramref name="workingDirectory"/>; <paramref name="setting"/> names the path setting
    /// and <paramref name="missingCode"/> is the code of the 503 when the tool cannot be started.
    /// </summary>
    public static async Task<Outcome> RunAsync(
        string tool, string setting, string missingCode, IReadOnlyList<string> arguments, string workingDirectory, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var start = new ProcessStartInfo(tool)
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = workingDirectory,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = new Process { StartInfo = start };
        var clock = Stopwatch.StartNew();
        try
        {
            process.Start();
        }
        catch (Win32Exception e)
        {
            throw new TesseraException(missingCode, 503, $"'{tool}' could not be started ({e.Message}); install it or set {setting}.", e);
        }
        process.StandardInput.Close();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        try
        {
            await process.WaitForExitAsync(deadline.Token).ConfigureAwait(false);
            return new Outcome(process.ExitCode, await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false), false, clock.Elapsed);
        }
        catch (OperationCanceledException)
        {
            Kill(process);
            // The pipes close with the process; what it said before the kill helps explain a timeout.
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            var said = await stderr.ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            return new Outcome(-1, await stdout.ConfigureAwait(false), said, true, clock.Elapsed);
        }
    }

    private static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It exited between the deadline and the kill.
        }
    }
}
