using System.CommandLine;
using Tessera.Cli.Hosting;
using Tessera.Server.Hosting;

namespace Tessera.Cli.Commands.Serve;

internal static class ServeCommand
{
    public static Command Create(CliHost host)
    {
        var options = new ServeOptions();
        var noMigrate = new Option<bool>("--no-migrate")
        {
            Description = "Do not apply migrations at start; refuse to start unless the schema is current (for deployments that run 'tessera db migrate' separately).",
        };
        var command = new Command("serve", "Run the API server without demo data.");
        options.AddTo(command);
        command.Options.Add(noMigrate);
        command.SetAction((parse, ct) =>
        {
            var flags = options.Flags(parse);
            if (parse.GetValue(noMigrate)) flags[TesseraSettings.MigrateOnStartKey] = "false";
            return ServerRunner.RunAsync(host, flags, afterStart: null, ct);
        });
        return command;
    }
}
