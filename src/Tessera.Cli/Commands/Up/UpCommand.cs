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
        command.SetAction((parse, ct) => ServerRunner.RunAsync(options.Flags(parse), async (app, token) =>
        {
            var demo = await DemoAccess.IssueAsync(app.Services, token).ConfigureAwait(false);
            Console.WriteLine($"  demo token (works from this machine only): {demo}");
            Console.WriteLine($"  try: curl -H 'Authorization: Bearer {demo}' {app.Urls.First()}/api/v1/me");
        }, ct));
        return command;
    }
}
