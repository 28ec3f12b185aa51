using System.CommandLine;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Data.Migrations;
using Tessera.Traces.Api;
using Tessera.Traces.Cli;
using Tessera.Traces.Pipeline;
using Tessera.Traces.Projection;
using Tessera.Platform.Modules;

namespace Tessera.Traces;

/// <summary>System 5: watched folders of agent-run logs → records → embeddings → a stable 2-D map → Parquet.</summary>
public sealed class TracesModule : TesseraModule
{
    /// <summary>The Traces tables, for tests that migrate a database without a server.</summary>
    public static MigrationSet Schema { get; } = MigrationSet.FromAssembly("traces", typeof(TracesModule).Assembly);

    public override string Name => "traces";

    public override string Description => "Agent-run logs: watch folders, embed every entry, map them in 2-D, export Parquet.";

    public override MigrationSet Migrations => Schema;

    public override void AddServices(ModuleServices registrar)
    {
        ArgumentNullException.ThrowIfNull(registrar);
        registrar.Services.AddSingleton<TracesBatchGate>();
        TracesMapWiring.Add(registrar);
    }

    public override void MapEndpoints(RouteGroupBuilder group) => group.MapTracesMap();

    // The host puts these under `tessera traces`; ingest's verbs join them at merge.
    public override IEnumerable<Command> Commands(IModuleCommandHost host) => TracesMapCommands.Create(host);
}
