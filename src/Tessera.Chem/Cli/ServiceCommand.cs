using System.CommandLine;
using Tessera.Chem.Services;
using Tessera.Core.Errors;

namespace Tessera.Chem.Cli;

/// <summary><c>tessera chem service</c>: runs a C# task service that registers with a server and serves until Ctrl+C.</summary>
internal static class ServiceCommand
{
    public static Command Create()
    {
        var tasks = new Option<string>("--tasks") { Description = $"The tasks to serve, comma-separated ({string.Join(", ", TaskServiceHost.Supported)}).", Required = true };
        var server = new Option<string>("--server") { Description = "The Tessera server's URL, e.g. http://127.0.0.1:5080.", Required = true };
        var token = new Option<string?>("--token") { Description = "An organization admin's API token (tasks:define); default: $TESSERA_TOKEN." };
        var host = new Option<string>("--host") { Description = "The address to listen on.", DefaultValueFactory = _ => "127.0.0.1" };
        var port = new Option<int>("--port") { Description = "The port to listen on (0: any free port)." };
        var advertise = new Option<string?>("--advertise") { Description = "The URL the server should call, when it is not http://HOST:PORT (a proxy, a container)." };
        var command = new Command("service", "Serve tasks over HTTP for a Tessera server: register, heartbeat, run the executions it sends, deregister on Ctrl+C.");
        foreach (var option in new Option[] { tasks, server, token, host, port, advertise }) command.Options.Add(option);
        command.SetAction(async (parse, ct) =>
        {
            var secret = parse.GetValue(token) ?? Environment.GetEnvironmentVariable("TESSERA_TOKEN")
                ?? throw TesseraException.Validation("Give --token or set TESSERA_TOKEN: an organization admin's API token.");
            if (!Uri.TryCreate(parse.GetValue(server), UriKind.Absolute, out var serverUrl)) throw TesseraException.Validation("--server must be an absolute URL.");
            var names = parse.GetValue(tasks)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            await using var service = await TaskServiceHost.StartAsync(names, serverUrl, secret, parse.GetValue(host)!, parse.GetValue(port), parse.GetValue(advertise), ct).ConfigureAwait(false);
            Console.WriteLine($"serving {string.Join(", ", names)} at {service.Url} for {serverUrl}");
            await service.RunAsync(ct).ConfigureAwait(false);
            return 0;
        });
        return command;
    }
}
