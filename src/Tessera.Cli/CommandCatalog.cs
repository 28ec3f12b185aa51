using System.CommandLine;

namespace Tessera.Cli;

/// <summary>Every top-level verb, in the order <c>--help</c> lists them.</summary>
internal static class CommandCatalog
{
    public static IEnumerable<Command> All() =>
    [
        Commands.Index.IndexCommand.Create(),
    ];
}
