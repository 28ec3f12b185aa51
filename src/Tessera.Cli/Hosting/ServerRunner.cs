using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Tessera.Core.Errors;
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
            // Checked before starting, so a taken port is one line before migrating, not the host's logged stack trace after.
            EnsurePortIsFree(settings);
            try
            {
                await app.StartAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (IOException e) when (e.InnerException is AddressInUseException)
            {
                throw PortInUse(settings);
            }
            Console.WriteLine($"Tessera is listening on {app.Urls.First()}");
            Console.WriteLine($"  data dir: {settings.DataDir}");
            Console.WriteLine($"  database: {settings.Database.Display}");
            if (afterStart is not null) await afterStart(app, cancellationToken).ConfigureAwait(false);
            Console.WriteLine("Press Ctrl+C to stop.");
            await app.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
            return ExitCodes.Success;
        }
    }

    private static void EnsurePortIsFree(TesseraSettings settings)
    {
        if (settings.Port == 0 || !IPAddress.TryParse(settings.Host, out var address)) return;
        using var probe = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        // As Kestrel binds on Linux: connections lingering in TIME_WAIT from a previous run do not count as in use.
        if (!OperatingSystem.IsWindows()) probe.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        try
        {
            probe.Bind(new IPEndPoint(address, settings.Port));
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            throw PortInUse(settings);
        }
    }

    private static TesseraException PortInUse(TesseraSettings settings) => new("PORT_IN_USE", 409,
        $"Port {settings.Port} on {settings.Host} is already in use (another Tessera?); choose another with --port, e.g. --port {(settings.Port == 65535 ? 8081 : settings.Port + 1)}.");
}
