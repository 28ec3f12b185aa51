using System.CommandLine;

namespace Tessera.Cli.Commands.Index;

/// <summary><c>tessera index</c>: build, query and benchmark vector indexes.</summary>
internal static class IndexCommand
{
    public static Command Create()
    {
        var command = new Command("index", "Build, query and benchmark HNSW vector indexes.");
        command.Subcommands.Add(IndexBuildCommand.Create());
        command.Subcommands.Add(IndexQueryCommand.Create());
        command.Subcommands.Add(IndexBenchCommand.Create());
        return command;
    }
}
