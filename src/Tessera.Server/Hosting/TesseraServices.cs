using Tessera.Core.Blobs;
using Tessera.Data;
using Tessera.Data.Blobs;
using Tessera.Data.Identity;
using Tessera.Data.Identity.Providers;
using Tessera.Data.Migrations;
using Tessera.Jobs;
using Tessera.Platform;
using Tessera.Platform.Modules;

namespace Tessera.Server.Hosting;

/// <summary>The services every Tessera process shares (server, worker and CLI), composed in one place.</summary>
public static class TesseraServices
{
    /// <param name="services">The container.</param>
    /// <param name="modules">The systems to run (default: <see cref="InstalledModules.All"/>).</param>
    public static IServiceCollection AddTesseraCore(this IServiceCollection services, TesseraModules? modules = null)
    {
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(sp => TesseraSettings.From(sp.GetRequiredService<IConfiguration>()));
        services.AddSingleton(sp => new TesseraDatabase(sp.GetRequiredService<TesseraSettings>().Database));
        services.AddSingleton(sp => new DataPaths(sp.GetRequiredService<TesseraSettings>().DataDir, sp.GetRequiredService<TesseraSettings>().BlobRoot));
        services.AddSingleton(DataModule.Migrations);
        services.AddSingleton<MigrationRunner>();
        services.AddSingleton<InstanceSettings>();
        services.AddSingleton<TokenService>();
        services.AddSingleton<AccountService>();
        services.AddSingleton<OrganizationService>();
        services.AddSingleton(sp => SecretBox.FromSettings(sp.GetRequiredService<TesseraSettings>().SecretsKey, sp.GetRequiredService<DataPaths>().DataDir));
        services.AddSingleton<IdentityProviderDirectory>();
        services.AddSingleton<IdentityProviderService>();
        services.AddSingleton<ExternalSignIn>();
        services.AddSingleton<IBlobStore>(sp =>
            new LocalBlobStore(sp.GetRequiredService<DataPaths>().Blobs, sp.GetRequiredService<TesseraSettings>().MaxBlobBytes, sp.GetRequiredService<TimeProvider>()));
        services.AddTesseraJobs();
        services.AddTesseraModules(modules ?? InstalledModules.All);
        return services;
    }
}
