using Microsoft.AspNetCore.Routing;
using Tessera.Data.Migrations;
using Tessera.Platform.Modules;
using Tessera.Platform.Web;
using Tessera.Traces.Web;

namespace Tessera.Traces;

/// <summary>System 5: watched folders of agent-run logs → records → embeddings → a stable 2-D map → Parquet.</summary>
public sealed class TracesModule : TesseraModule
{
    /// <summary>The Traces tables, for tests that migrate a database without a server.</summary>
    public static MigrationSet Schema { get; } = MigrationSet.FromAssembly("traces", typeof(TracesModule).Assembly);

    public override string Name => "traces";

    public override string Description => "Agent-run logs: watch folders, embed every entry, map them in 2-D, export Parquet.";

    public override MigrationSet Migrations => Schema;

    public override void AddServices(ModuleServices registrar) => TracesUi.AddServices(registrar?.Services ?? throw new ArgumentNullException(nameof(registrar)));

    public override void MapEndpoints(RouteGroupBuilder group) => TracesUi.MapEndpoints(group);

    public override ModulePages Pages => TracesUi.Pages;
}
