using System.CommandLine;
using Tessera.Cli.Hosting;

namespace Tessera.Cli.Commands.Index;

/// <summary><c>tessera index</c>: build, query and benchmark vector indexes.</summary>
internal static class IndexCommand
{
    public static Command Create(CliHost host)
    {
        var command = new Command("index", "Build, query and benchmark HNSW vector indexes.");
        command.Subcommands.Add(IndexBuildCommand.Create(host));
        command.Subcommands.Add(IndexQueryCommand.Create(host));
        command.Subcommands.Add(IndexBenchCommand.Create());
        return command;
    }
}
