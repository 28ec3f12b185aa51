using System.CommandLine;
using Tessera.Cli.Hosting;
using Tessera.Core.Errors;
using Tessera.Platform.Modules;
using Tessera.Server;

namespace Tessera.Cli;

/// <summary>The <c>tessera</c> command tree. Each verb lives in its own folder under Commands/.</summary>
internal static class TesseraCli
{
    /// <param name="modules">The systems whose verbs and services the CLI offers (default: <see cref="InstalledModules.All"/>).</param>
    public static RootCommand CreateRoot(TesseraModules? modules = null)
    {
        var root = new RootCommand("Tessera: turn scientific and media data into embeddings, indexes, searches and reproducible exports.");
        foreach (var command in CommandCatalog.All(new CliHost(modules ?? InstalledModules.All))) root.Subcommands.Add(command);
        return root;
    }

    public static async Task<int> RunAsync(string[] args, TesseraModules? modules = null, CancellationToken cancellationToken = default)
    {
        try
        {
            // Errors are ours to report: a TesseraException is one plain line, never a stack trace.
            var invocation = new InvocationConfiguration { EnableDefaultExceptionHandler = false };
            return await CreateRoot(modules).Parse(args).InvokeAsync(invocation, cancellationToken).ConfigureAwait(false);
        }
        catch (TesseraException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return ExitCodes.Failure;
        }
        catch (OperationCanceledException)
        {
            return ExitCodes.Cancelled;
        }
    }
}
