using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Tessera.Server.Hosting;

namespace Tessera.Cli.Hosting;

/// <summary>The same services the server composes, for commands that work on the data directly.</summary>
internal static class CliServices
{
    public static ServiceProvider Build(IReadOnlyDictionary<string, string?> flags)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(TesseraConfiguration.Build(flags));
        services.AddLogging(logging => logging
            .AddSimpleConsole(o => o.SingleLine = true)
            .SetMinimumLevel(LogLevel.Warning));
        services.AddTesseraCore();
        return services.BuildServiceProvider();
    }
}
