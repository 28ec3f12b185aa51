using System.CommandLine;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Data.Migrations;
using Tessera.Traces.Cli;
using Tessera.Traces.Projection;
using Tessera.Platform.Modules;
using Tessera.Platform.Web;
using Tessera.Traces.Api;
using Tessera.Traces.Ingest;
using Tessera.Traces.Pipeline;
using Tessera.Traces.Records;
using Tessera.Traces.Sources;
using Tessera.Traces.Storage;
using Tessera.Traces.Web;
using Tessera.Vectors;
using Tessera.Vectors.Collections;
using Tessera.Vectors.Hnsw;

namespace Tessera.Traces;

/// <summary>System 5: watched folders of agent-run logs → records → embeddings → a stable 2-D map → Parquet.</summary>
public sealed class TracesModule : TesseraModule
{
    /// <summary>The Traces tables, for tests that migrate a database without a server.</summary>
    public static MigrationSet Schema { get; } = MigrationSet.FromAssembly("traces", typeof(TracesModule).Assembly);

    private static readonly VectorCollectionDefinition Collection = new(
        TracesRecordService.CollectionName, DistanceMetric.Cosine, new HnswOptions { M = 16, EfConstruction = 200, EfSearch = 64 });

    public override string Name => "traces";

    public override string Description => "Agent-run logs: watch folders, embed every entry, map them in 2-D, export Parquet.";

    public override MigrationSet Migrations => Schema;

    public override void AddServices(ModuleServices registrar)
    {
        ArgumentNullException.ThrowIfNull(registrar);
        registrar.AddSettings<TracesSettings>()
            .AddVectorCollection<TracesVectorSource>(Collection)
            .AddCollectionSearch<TracesCollectionSearch>();
        AddIngestion(registrar.Services);
        registrar.Services.AddHostedService<TracesWatcher>();
        TracesMapWiring.Add(registrar);
        TracesUi.AddServices(registrar.Services);
    }

    /// <summary>Ingestion's services (also what the CLI's verbs and the tests resolve).</summary>
    internal static void AddIngestion(IServiceCollection services)
    {
        services.AddSingleton<TracesBatchGate>();
        services.AddSingleton<TracesEmbedderChoice>();
        services.AddSingleton<FileStability>();
        services.AddSingleton<SourcePathPolicy>();
        services.AddSingleton<TracesPipelineState>();
        services.AddSingleton<TracesIngestService>();
        services.AddSingleton<TracesWatchLoop>();
        services.AddSingleton<TracesSourceService>();
        services.AddSingleton<TracesRecordService>();
        services.AddSingleton<TracesHealthService>();
    }

    public override void MapEndpoints(RouteGroupBuilder group)
    {
        var traces = group.MapTraces();
        TracesUi.MapEndpoints(traces);
        group.MapTracesMap();
        group.MapTracesFiles();
    }

    public override ModulePages Pages => TracesUi.Pages;

    public override Task SeedDemoAsync(DemoContext demo, CancellationToken cancellationToken) => TracesDemo.SeedAsync(demo, cancellationToken);

    /// <summary>The verbs; the CLI groups them under <c>tessera traces</c> itself, so none of them is a group named so.</summary>
    public override IEnumerable<Command> Commands(IModuleCommandHost host) => [.. Cli.TracesCommands.Create(host), .. TracesMapCommands.Create(host)];
}
