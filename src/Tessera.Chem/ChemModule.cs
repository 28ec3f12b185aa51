using System.CommandLine;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Chem.Access;
using Tessera.Chem.Api;
using Tessera.Chem.Cli;
using Tessera.Chem.Docking;
using Tessera.Chem.Executions;
using Tessera.Chem.Molecules;
using Tessera.Chem.OpenBabel;
using Tessera.Chem.Quotas;
using Tessera.Chem.Pipelines;
using Tessera.Chem.Services;
using Tessera.Chem.Storage;
using Tessera.Chem.Tasks;
using Tessera.Chem.Web;
using Tessera.Data.Migrations;
using Tessera.Platform.Modules;
using Tessera.Platform.Web;

namespace Tessera.Chem;

/// <summary>System 2: molecules normalised with Open Babel, kept with their uploaded files, and a task registry of JSON-Schema-typed tasks.</summary>
public sealed class ChemModule : TesseraModule
{
    /// <summary>The Chem tables, for tests that migrate a database without a server.</summary>
    public static MigrationSet Schema { get; } = MigrationSet.FromAssembly("chem", typeof(ChemModule).Assembly);

    public override string Name => "chem";

    public override string Description => "Molecules (SMILES, SDF, MOL2, PDB) normalised with Open Babel, a registry of typed tasks, their executions (Open Babel, docking with AutoDock Vina) on the job engine, and pipelines of them.";

    public override MigrationSet Migrations => Schema;

    public override void AddServices(ModuleServices registrar)
    {
        ArgumentNullException.ThrowIfNull(registrar);
        registrar.AddSettings<ChemSettings>().AddBlobReferences("chem_artifacts", "blob_sha256").AddBlobReferences("chem_execution_logs", "blob_sha256");
        registrar.Services.AddSingleton<ObabelRunner>();
        registrar.Services.AddSingleton<MoleculeNormalizer>();
        registrar.Services.AddSingleton<MoleculeImportService>();
        registrar.Services.AddSingleton<MoleculeReader>();
        registrar.Services.AddSingleton<TaskRegistry>();
        registrar.Services.AddSingleton<ToolVersions>();
        registrar.Services.AddSingleton<VinaDocking>();
        registrar.Services.AddSingleton<IChemTaskRunner, VinaDockRunner>();
        registrar.Services.AddSingleton<DescriptorsTask>();
        registrar.Services.AddSingleton<IChemTaskRunner, ObabelConvertRunner>();
        registrar.Services.AddSingleton<IChemTaskRunner, ObabelGen3dRunner>();
        registrar.Services.AddSingleton<IChemTaskRunner, ObabelProtonateRunner>();
        registrar.Services.AddSingleton<IChemTaskRunner, ObabelDescriptorsRunner>();
        registrar.Services.AddSingleton<IChemTaskRunner, DockingSummaryRunner>();
        registrar.Services.AddSingleton<TaskServiceRegistry>();
        registrar.Services.AddSingleton<TaskServiceClient>();
        registrar.Services.AddHttpClient(TaskServiceClient.HttpClientName);
        registrar.Services.AddHostedService<TaskServiceHealthChecker>();
        registrar.Services.AddSingleton<TaskPermissions>();
        registrar.Services.AddSingleton<QuotaService>();
        registrar.Services.AddSingleton<OrganizationStores>();
        registrar.Services.AddSingleton<ExecutionResults>();
        registrar.Services.AddHostedService<LegacyResultMove>();
        registrar.Services.AddSingleton<ExecutionJournal>();
        registrar.Services.AddSingleton<ExecutionCache>();
        registrar.Services.AddSingleton<ExecutionService>();
        registrar.Services.AddSingleton<ExecutionRunner>();
        registrar.AddJobHandler<ChemExecuteJobHandler>();
        registrar.Services.AddSingleton<PipelineService>();
        registrar.AddJobHandler<PipelineStepJobHandler>();
    }

    public override void MapEndpoints(RouteGroupBuilder group)
    {
        group.MapChemMolecules();
        group.MapChemTasks();
        group.MapChemExecutions();
        group.MapChemServices();
        group.MapChemQuotas();
        group.MapChemPipelines();
    }

    public override ModulePages Pages => ChemUi.Pages;

    /// <summary>The verbs; the CLI groups them under <c>tessera chem</c> itself.</summary>
    public override IEnumerable<Command> Commands(IModuleCommandHost host) =>
        [TaskCommands.Create(host), MoleculeCommands.Create(host), QuotaCommands.Create(host), DockCommands.Dock(host), DockCommands.Run(host), ServiceCommand.Create()];
}
