using System.CommandLine;
using Tessera.Cli.Commands.Blob;
using Tessera.Cli.Commands.Db;
using Tessera.Cli.Commands.Embed;
using Tessera.Cli.Commands.Export;
using Tessera.Cli.Commands.Index;
using Tessera.Cli.Commands.Jobs;
using Tessera.Cli.Commands.Serve;
using Tessera.Cli.Commands.Token;
using Tessera.Cli.Commands.Up;
using Tessera.Cli.Commands.User;
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
        TokenCommand.Create(),
        UserCommand.Create(),
        EmbedCommand.Create(),
        IndexCommand.Create(),
        JobsCommand.Create(),
        WorkerCommand.Create(),
        ExportCommand.Create(),
    ];
}
