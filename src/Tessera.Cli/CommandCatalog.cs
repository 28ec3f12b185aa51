using System.CommandLine;
using Tessera.Cli.Commands.Blob;
using Tessera.Cli.Commands.Db;
using Tessera.Cli.Commands.Jobs;
using Tessera.Cli.Commands.Serve;
using Tessera.Cli.Commands.Up;
using Tessera.Cli.Commands.Worker;

namespace Tessera.Cli;

/// <summary>Every top-level verb, in the order <c>--help</c> lists them.</summary>
internal static class CommandCatalog
{
    public static IEnumerable<Command> All() =>
    [
        UpCommand.Create(),
        ServeCommand.Create(),
        DbCommand.Create(),
        BlobCommand.Create(),
        JobsCommand.Create(),
        WorkerCommand.Create(),
    ];
}
