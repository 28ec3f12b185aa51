using System.CommandLine;
using Spectre.Console;
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
            return await CreateRoot().Parse(args).InvokeAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (TesseraException e)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]error:[/] {e.Message}");
            return ExitCodes.Failure;
        }
        catch (OperationCanceledException)
        {
            return ExitCodes.Cancelled;
        }
    }
}
