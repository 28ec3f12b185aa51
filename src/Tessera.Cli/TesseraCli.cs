using System.CommandLine;
using Tessera.Core.Errors;

namespace Tessera.Cli;

/// <summary>The <c>tessera</c> command tree. Each verb lives in its own folder under Commands/.</summary>
internal static class TesseraCli
{
    public static RootCommand CreateRoot()
    {
        var root = new RootCommand("Tessera: turn scientific and media data into embeddings, indexes, searches and reproducible exports.");
        foreach (var command in CommandCatalog.All()) root.Subcommands.Add(command);
        return root;
    }

    public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken = default)
    {
        try
        {
            // Errors are ours to report: a TesseraException is one plain line, never a stack trace.
            var invocation = new InvocationConfiguration { EnableDefaultExceptionHandler = false };
            return await CreateRoot().Parse(args).InvokeAsync(invocation, cancellationToken).ConfigureAwait(false);
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
