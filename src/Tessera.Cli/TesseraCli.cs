using System.CommandLine;
using System.CommandLine.Help;
using Spectre.Console;
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
        // Spectre picks colours from the terminal type even when output goes to a pipe or a file, where codes are noise.
        if (Console.IsOutputRedirected)
            AnsiConsole.Console = AnsiConsole.Create(new AnsiConsoleSettings { Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors, Interactive = InteractionSupport.No });
        try
        {
            // Errors are ours to report: a TesseraException is one plain line, never a stack trace.
            var invocation = new InvocationConfiguration { EnableDefaultExceptionHandler = false };
            var parse = CreateRoot(modules).Parse(args);
            // '--help' wins over parse errors and would print the root help with exit 0 for a mistyped command.
            // (Under '--help' the unknown words show only as unmatched tokens, not as errors.)
            var mistakes = parse.Errors.Select(e => e.Message).Concat(parse.UnmatchedTokens.Select(t => $"Unrecognized command or argument '{t}'.")).Distinct().ToList();
            if (mistakes.Count > 0 && parse.Action is HelpAction)
            {
                foreach (var mistake in mistakes) Console.Error.WriteLine($"error: {mistake}");
                Console.Error.WriteLine("Run 'tessera --help' for the commands there are.");
                return ExitCodes.Usage;
            }
            return await parse.InvokeAsync(invocation, cancellationToken).ConfigureAwait(false);
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
