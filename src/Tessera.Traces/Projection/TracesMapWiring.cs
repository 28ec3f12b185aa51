using Microsoft.Extensions.DependencyInjection;
using Tessera.Platform.Modules;
using Tessera.Traces.Parquet;
using Tessera.Traces.Pipeline;

namespace Tessera.Traces.Projection;

/// <summary>The map's services: the projection, the Parquet files, the batch listener and the recompute job.</summary>
internal static class TracesMapWiring
{
    public static void Add(ModuleServices registrar)
    {
        registrar.AddJobHandler<TracesRecomputeJobHandler>();
        var services = registrar.Services;
        services.AddSingleton<TracesProjectionService>();
        services.AddSingleton<TracesParquetFiles>();
        services.AddSingleton<ITracesBatchListener, TracesMapListener>();
    }
}
