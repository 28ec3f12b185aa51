using Tessera.Core.Blobs;
using Tessera.Data;
using Tessera.Data.Blobs;
using Tessera.Data.Identity;
using Tessera.Data.Migrations;
using Tessera.Jobs;
using Tessera.Omics;

namespace Tessera.Server.Hosting;

/// <summary>The services every Tessera process shares (server, worker and CLI), composed in one place.</summary>
public static class TesseraServices
{
    public static IServiceCollection AddTesseraCore(this IServiceCollection services)
    {
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(sp => TesseraSettings.From(sp.GetRequiredService<IConfiguration>()));
        services.AddSingleton(sp => new TesseraDatabase(sp.GetRequiredService<TesseraSettings>().Database));
        services.AddSingleton(DataModule.Migrations);
        services.AddSingleton<MigrationRunner>();
        services.AddSingleton<InstanceSettings>();
        services.AddSingleton<TokenService>();
        services.AddSingleton<AccountService>();
        services.AddSingleton<OrganizationService>();
        services.AddSingleton<IBlobStore>(sp =>
        {
            var settings = sp.GetRequiredService<TesseraSettings>();
            return new LocalBlobStore(settings.BlobRoot, settings.MaxBlobBytes);
        });
        services.AddSingleton<UrlSignerProvider>();
        services.AddTesseraJobs();
        services.AddOmics(sp => Path.Combine(sp.GetRequiredService<TesseraSettings>().DataDir, "indexes"));
        return services;
    }
}
