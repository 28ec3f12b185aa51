using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Tessera.Server;
using Tessera.Server.Hosting;

namespace Tessera.Cli.Hosting;

/// <summary>Starts the web server for <c>up</c> and <c>serve</c>, prints where it listens, and runs until stopped.</summary>
internal static class ServerRunner
{
    public static async Task<int> RunAsync(CliHost host, IReadOnlyDictionary<string, string?> flags, Func<WebApplication, CancellationToken, Task>? afterStart, CancellationToken cancellationToken)
    {
        var app = TesseraServer.Build(TesseraServer.CreateBuilder([], flags, host.Modules));
        await using (app.ConfigureAwait(false))
        {
            var settings = app.Services.GetRequiredService<TesseraSettings>();
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
            Console.WriteLine($"Tessera is listening on {app.Urls.First()}");
            Console.WriteLine($"  data dir: {settings.DataDir}");
            Console.WriteLine($"  database: {settings.Database.Display}");
            if (afterStart is not null) await afterStart(app, cancellationToken).ConfigureAwait(false);
            Console.WriteLine("Press Ctrl+C to stop.");
            await app.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
            return ExitCodes.Success;
        }
    }
}
