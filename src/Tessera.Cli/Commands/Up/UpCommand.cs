using System.CommandLine;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Cli.Commands.Serve;
using Tessera.Cli.Hosting;
using Tessera.Platform.Modules;
using Tessera.Server.Hosting;

namespace Tessera.Cli.Commands.Up;

internal static class UpCommand
{
    public static Command Create(CliHost host)
    {
        var options = new ServeOptions();
        var command = new Command("up", "The one-command start: migrate the database, then serve on 127.0.0.1:8080 with embedded defaults and demo data.");
        options.AddTo(command);
        command.SetAction((parse, ct) => ServerRunner.RunAsync(host, options.Flags(parse), async (app, token) =>
        {
            var owner = await DemoAccess.PrincipalAsync(app.Services, token).ConfigureAwait(false);
            var demo = await DemoAccess.IssueAsync(app.Services, owner, token).ConfigureAwait(false);
            Console.WriteLine($"  demo token (works from this machine only): {demo}");
            Console.WriteLine($"  try: curl -H 'Authorization: Bearer {demo}' {app.Urls.First()}/api/v1/me");
            Console.WriteLine($"  web UI: {app.Urls.First()}/ (sign in with the demo token)");
            await SeedDemosAsync(app, host.Modules, owner, token).ConfigureAwait(false);
        }, ct));
        return command;
    }

    /// <summary>Each module seeds its demo in turn; one that fails is reported and the others still run.</summary>
    private static async Task SeedDemosAsync(WebApplication app, TesseraModules modules, Core.Identity.Principal owner, CancellationToken cancellationToken)
    {
        var context = new DemoContext(app.Services, owner, app.Services.GetRequiredService<TesseraSettings>().Workers > 0, Console.Out, new Uri(app.Urls.First()));
        foreach (var module in modules)
        {
            try
            {
                await module.SeedDemoAsync(context, cancellationToken).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // A module's failed demo must not stop the server or the other demos; it is reported.
            catch (Exception e) when (e is not OperationCanceledException)
#pragma warning restore CA1031
            {
                await Console.Error.WriteLineAsync($"  {module.Name} demo failed: {e.Message}").ConfigureAwait(false);
            }
        }
    }
}
