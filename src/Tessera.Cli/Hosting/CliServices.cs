using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Tessera.Data.Migrations;
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

    /// <summary>Services over a schema brought up to date first, for commands that read or write data.</summary>
    public static async Task<ServiceProvider> BuildMigratedAsync(IReadOnlyDictionary<string, string?> flags, CancellationToken cancellationToken)
    {
        var provider = Build(flags);
        try
        {
            await provider.GetRequiredService<MigrationRunner>().MigrateAsync(cancellationToken).ConfigureAwait(false);
            return provider;
        }
        catch
        {
            await provider.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}
