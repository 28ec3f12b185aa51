using System.ComponentModel;
using System.Diagnostics;
using Tessera.Core.Errors;

namespace Tessera.Chem.OpenBabel;

/// <summary>
/// Runs the <c>obabel</c> command line tool: arguments as a list (never a shell string, so nothing in an upload can
/// become a command), input on stdin, both outputs read whole, and a deadline after which the process tree is killed.
/// </summary>
internal sealed class ObabelRunner(ChemSettings settings)
{
    public sealed record Outcome(string Stdout, string Stderr, bool TimedOut);

    public async Task<Outcome> RunAsync(IReadOnlyList<string> arguments, string input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var start = new ProcessStartInfo(settings.ObabelPath)
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = new Process { StartInfo = start };
        try
        {
            process.Start();
        }
        catch (Win32Exception e)
        {
            throw new TesseraException(ChemErrorCodes.ToolFailed, 503, $"Open Babel could not be started ('{settings.ObabelPath}': {e.Message}); install the openbabel package or set chem:obabel_path.", e);
        }
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(settings.ObabelTimeoutSeconds));
        try
        {
            // Output is drained while input is written, so a large result cannot fill a pipe and stall both sides.
            var stdout = process.StandardOutput.ReadToEndAsync(deadline.Token);
            var stderr = process.StandardError.ReadToEndAsync(deadline.Token);
            try
            {
                await process.StandardInput.WriteAsync(input.AsMemory(), deadline.Token).ConfigureAwait(false);
                process.StandardInput.Close();
            }
            catch (IOException)
            {
                // obabel stopped reading (it gave up on the input); what it said about it is still in its outputs.
            }
            await process.WaitForExitAsync(deadline.Token).ConfigureAwait(false);
            return new Outcome(await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false), false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            Kill(process);
            return new Outcome("", "", true);
        }
        catch (OperationCanceledException)
        {
            Kill(process);
            throw;
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
