using System.CommandLine;
using Tessera.Cli.Commands.Serve;
using Tessera.Cli.Hosting;

namespace Tessera.Cli.Commands.Up;

internal static class UpCommand
{
    public static Command Create()
    {
        var options = new ServeOptions();
        var command = new Command("up", "The one-command start: migrate the database, then serve on 127.0.0.1:8080 with embedded defaults.");
        options.AddTo(command);
        command.SetAction((parse, ct) => ServerRunner.RunAsync(options.Flags(parse), afterStart: null, ct));
        return command;
    }
}
