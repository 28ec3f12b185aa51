using System.CommandLine;
using System.Globalization;
using Tessera.Cli.Hosting;
using Tessera.Server.Hosting;

namespace Tessera.Cli.Commands.Serve;

/// <summary>Options shared by <c>up</c> and <c>serve</c>.</summary>
internal sealed class ServeOptions
{
    public DataOptions Data { get; } = new();

    public Option<int?> Port { get; } = new("--port") { Description = "TCP port to listen on (default 8080)." };

    public Option<string?> Host { get; } = new("--host") { Description = "Address to bind (default 127.0.0.1; use 0.0.0.0 to accept remote clients)." };

    public Option<int?> Workers { get; } = new("--workers") { Description = "In-process job workers (default 2; 0 runs none)." };

    public void AddTo(Command command)
    {
        Data.AddTo(command);
        command.Options.Add(Port);
        command.Options.Add(Host);
        command.Options.Add(Workers);
    }

    public Dictionary<string, string?> Flags(ParseResult parse)
    {
        var flags = Data.Flags(parse);
        flags[TesseraSettings.PortKey] = parse.GetValue(Port)?.ToString(CultureInfo.InvariantCulture);
        flags[TesseraSettings.HostKey] = parse.GetValue(Host);
        flags[TesseraSettings.WorkersKey] = parse.GetValue(Workers)?.ToString(CultureInfo.InvariantCulture);
        return flags;
    }
}
