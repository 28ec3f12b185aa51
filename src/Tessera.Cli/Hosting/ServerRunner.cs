using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Spectre.Console;
using Tessera.Server;
using Tessera.Server.Hosting;

namespace Tessera.Cli.Hosting;

/// <summary>Starts the web server for <c>up</c> and <c>serve</c>, prints where it listens, and runs until stopped.</summary>
internal static class ServerRunner
{
    public static async Task<int> RunAsync(IReadOnlyDictionary<string, string?> flags, Func<WebApplication, CancellationToken, Task>? afterStart, CancellationToken cancellationToken)
    {
        var app = TesseraServer.Build(TesseraServer.CreateBuilder([], flags));
        await using (app.ConfigureAwait(false))
        {
            var settings = app.Services.GetRequiredService<TesseraSettings>();
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
            AnsiConsole.MarkupLineInterpolated($"[green]Tessera is listening on[/] [link]{app.Urls.First()}[/]");
            AnsiConsole.MarkupLineInterpolated($"  data dir: {settings.DataDir}");
            AnsiConsole.MarkupLineInterpolated($"  database: {settings.Database.Display}");
            if (afterStart is not null) await afterStart(app, cancellationToken).ConfigureAwait(false);
            AnsiConsole.MarkupLine("Press Ctrl+C to stop.");
            await app.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
            return ExitCodes.Success;
        }
    }
}
