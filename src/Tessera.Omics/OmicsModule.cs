using System.CommandLine;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Data.Migrations;
using Tessera.Inference.Embeddings;
using Tessera.Omics.Analysis;
using Tessera.Omics.Api;
using Tessera.Omics.Chemistry;
using Tessera.Omics.Cli;
using Tessera.Omics.Demo;
using Tessera.Omics.Embedding;
using Tessera.Omics.Export;
using Tessera.Omics.Runs;
using Tessera.Omics.Search;
using Tessera.Omics.Storage;
using Tessera.Platform.Modules;
using Tessera.Platform.Web;
using Tessera.Vectors;
using Tessera.Vectors.Collections;
using Tessera.Vectors.Hnsw;

namespace Tessera.Omics;

/// <summary>System 1: peptide uploads → descriptors → embeddings → owner-filtered search, summaries, comparisons, exports.</summary>
public sealed class OmicsModule : TesseraModule
{
    /// <summary>The Omics tables, for tests that migrate a database without a server.</summary>
    public static MigrationSet Schema { get; } = MigrationSet.FromAssembly("omics", typeof(OmicsModule).Assembly);

    private static readonly VectorCollectionDefinition Collection = new(
        OmicsSearchService.CollectionName, DistanceMetric.Cosine, new HnswOptions { M = 16, EfConstruction = 200, EfSearch = 64 });

    public override string Name => "omics";

    public override string Description => "Peptides: upload, embed, search, compare, summarize and export runs.";

    public override MigrationSet Migrations => Schema;

    public override IEnumerable<NamedEmbedder> Embedders =>
        [
            new(PeptideDescriptorEmbedder.ModelName, time => new PeptideDescriptorEmbedder(time)) { Modality = EmbeddingModality.ProteinSequence },
            new(PeptideDescriptorEmbedderV2.ModelName, time => new PeptideDescriptorEmbedderV2(time)) { Modality = EmbeddingModality.ProteinSequence },
        ];

    public override void AddServices(ModuleServices registrar)
    {
        ArgumentNullException.ThrowIfNull(registrar);
        registrar.AddSettings<OmicsSettings>()
            .AddJobHandler<OmicsEmbedJobHandler>()
            .AddVectorCollection<OmicsVectorSource>(Collection)
            .AddCollectionSearch<OmicsCollectionSearch>()
            .AddBlobReferences("omics_runs", "file_sha256");
        var services = registrar.Services;
        services.AddSingleton(sp => sp.GetRequiredService<OmicsSettings>().ParseLimits);
        services.AddSingleton(sp => new OmicsEmbedderChoice(
            sp.GetRequiredService<EmbedderRegistry>(), sp.GetRequiredService<OmicsSettings>().EsmModel is { Length: > 0 } folder ? folder : null));
        services.AddSingleton<OmicsUploadService>();
        services.AddSingleton<OmicsUploadSlots>();
        services.AddSingleton<OmicsRunReader>();
        services.AddSingleton<OmicsRunDeletion>();
        services.AddSingleton<OmicsRunSubmission>();
        services.AddSingleton<OmicsDemo>();
        services.AddSingleton<OmicsEmbeddingService>();
        services.AddSingleton<OmicsAnalysisService>();
        services.AddSingleton<OmicsExportService>();
        services.AddSingleton<OmicsSearchService>();
    }

    public override void MapEndpoints(RouteGroupBuilder group) => group.MapOmics();

    public override ModulePages Pages { get; } = new(typeof(OmicsModule).Assembly,
    [
        new NavigationEntry("Runs", "/omics", "upload peptides (FASTA or CSV) and open a run's summary, map and exports"),
        new NavigationEntry("Search", "/omics/search", "find the peptides nearest to a sequence among your runs"),
        new NavigationEntry("Compare", "/omics/compare", "compare two runs: shared sequences, nearest neighbours, descriptor differences"),
    ]);

    public override IEnumerable<Command> Commands(IModuleCommandHost host) => [OmicsExportCommand.Create(host)];

    public override Task SeedDemoAsync(DemoContext demo, CancellationToken cancellationToken) => OmicsDemo.SeedAndReportAsync(demo, cancellationToken);
}
