using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Tessera.Data.Migrations;
using Tessera.Platform.Collections;
using Tessera.Platform.Modules;

namespace Tessera.Platform;

/// <summary>Registers the installed modules and the platform services they share (collections, settings checks).</summary>
public static class PlatformServices
{
    public static IServiceCollection AddTesseraModules(this IServiceCollection services, TesseraModules modules)
    {
        ArgumentNullException.ThrowIfNull(modules);
        services.AddSingleton(modules);
        services.AddSingleton<VectorCollections>();
        services.AddHealthChecks().AddCheck<VectorCollectionsHealthCheck>("vector-collections", tags: [ModuleServices.ReadyTag]);
        foreach (var module in modules)
        {
            if (module.Migrations is { } migrations) services.AddSingleton<MigrationSet>(migrations);
            module.AddServices(new ModuleServices(module.Name, services));
        }
        return services;
    }

    /// <summary>Resolves every module's settings when the host starts, so a bad value stops the start with its message.</summary>
    public static IServiceCollection AddModuleSettingsCheck(this IServiceCollection services) =>
        services.AddHostedService<ModuleSettingsValidation>();
}

internal sealed class ModuleSettingsValidation(IEnumerable<SettingsCheck> checks, IServiceProvider services) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var check in checks) check.Resolve(services);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
