using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Tessera.Data.Migrations;
using Tessera.Inference.Embeddings;
using Tessera.Inference.Onnx;
using Tessera.Platform.Blobs;
using Tessera.Platform.Collections;
using Tessera.Platform.Downloads;
using Tessera.Platform.Embedders;
using Tessera.Platform.Modules;
using Tessera.Vectors;

namespace Tessera.Platform;

/// <summary>Registers the installed modules and the platform services they share (collections, settings checks).</summary>
public static class PlatformServices
{
    /// <summary>The platform's own tables (published index snapshots).</summary>
    public static MigrationSet Schema { get; } = MigrationSet.FromAssembly("platform", typeof(PlatformServices).Assembly);

    public static IServiceCollection AddTesseraModules(this IServiceCollection services, TesseraModules modules)
    {
        ArgumentNullException.ThrowIfNull(modules);
        services.AddSingleton(modules);
        services.AddSingleton(sp => EmbedderSettings.From(sp.GetRequiredService<IConfiguration>()));
        services.AddSingleton(sp => new EmbedderRegistry(
            PretrainedEmbedders.All(sp.GetRequiredService<OnnxRuntimeOptions>())
                .Concat(RemoteEmbedderSettings.From(sp.GetRequiredService<IConfiguration>()))
                .Concat(modules.SelectMany(m => m.Embedders)),
            time: sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<EmbeddingsService>();
        services.AddSingleton<SignedDownloads>();
        services.AddSingleton(Schema);
        services.AddSingleton<SnapshotExchange>();
        services.AddBlobColumn("vector_snapshots", "blob_sha256");
        services.AddSingleton<BlobReferences>();
        services.AddSingleton<UploadStaging>();
        services.AddSingleton<VectorCollections>();
        services.AddSingleton<IIndexStatusSource>(sp => sp.GetRequiredService<VectorCollections>());
        services.AddHealthChecks().AddCheck<VectorCollectionsHealthCheck>("vector-collections", tags: [ModuleServices.ReadyTag]);
        foreach (var module in modules)
        {
            if (module.Migrations is { } migrations) services.AddSingleton<MigrationSet>(migrations);
            module.AddServices(new ModuleServices(module.Name, services));
        }
        return services;
    }

    /// <summary>
    /// What a server process adds: every module's settings resolved at start (a bad value stops the start with its
    /// message), and the listener that loads index snapshots other nodes publish.
    /// </summary>
    public static IServiceCollection AddModuleHosting(this IServiceCollection services)
    {
        services.AddHostedService<ModuleSettingsValidation>();
        services.AddHostedService<SnapshotListener>();
        services.AddSingleton(sp => BlobSweepOptions.From(sp.GetRequiredService<IConfiguration>()));
        services.AddSingleton<BlobSweeper>();
        services.AddHostedService(sp => sp.GetRequiredService<BlobSweeper>());
        return services;
    }
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
