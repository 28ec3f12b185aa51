using System.CommandLine;
using Tessera.Cli.Commands.Blob;
using Tessera.Cli.Commands.Db;
using Tessera.Cli.Commands.Embed;
using Tessera.Cli.Commands.Idp;
using Tessera.Cli.Commands.Index;
using Tessera.Cli.Commands.Jobs;
using Tessera.Cli.Commands.Models;
using Tessera.Cli.Commands.Serve;
using Tessera.Cli.Commands.Token;
using Tessera.Cli.Commands.Up;
using Tessera.Cli.Commands.User;
using Tessera.Cli.Commands.Worker;
using Tessera.Cli.Hosting;

namespace Tessera.Cli;

/// <summary>Every top-level verb, in the order <c>--help</c> lists them: the platform's, then one group per module.</summary>
internal static class CommandCatalog
{
    public static IEnumerable<Command> All(CliHost host)
    {
        Command[] platform =
        [
            UpCommand.Create(host),
            ServeCommand.Create(host),
            DbCommand.Create(host),
            BlobCommand.Create(host),
            TokenCommand.Create(host),
            UserCommand.Create(host),
            IdpCommand.Create(host),
            EmbedCommand.Create(host),
            ModelsCommand.Create(host),
            IndexCommand.Create(host),
            JobsCommand.Create(host),
            WorkerCommand.Create(host),
        ];
        return platform.Concat(ModuleGroups(host));
    }

    /// <summary><c>tessera &lt;module&gt; …</c> for each module that has verbs.</summary>
    private static IEnumerable<Command> ModuleGroups(CliHost host)
    {
        foreach (var module in host.Modules)
        {
            var verbs = module.Commands(host).ToList();
            if (verbs.Count == 0) continue;
            var group = new Command(module.Name, module.Description);
            foreach (var verb in verbs) group.Subcommands.Add(verb);
            yield return group;
        }
    }
}
