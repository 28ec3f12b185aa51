using System.CommandLine;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Cards.Api;
using Tessera.Cards.Catalog;
using Tessera.Cards.Cli;
using Tessera.Cards.Download;
using Tessera.Cards.Embedding;
using Tessera.Cards.Identify;
using Tessera.Cards.Index;
using Tessera.Cards.Jobs;
using Tessera.Cards.Status;
using Tessera.Cards.Storage;
using Tessera.Cards.Validation;
using Tessera.Cards.Web;
using Tessera.Data.Migrations;
using Tessera.Platform.Collections;
using Tessera.Platform.Modules;
using Tessera.Platform.Web;

namespace Tessera.Cards;

/// <summary>System 4: a Scryfall card catalog imported from bulk data, its images downloaded into a resumable cache, validated, embedded and indexed, and photos identified against it.</summary>
public sealed class CardsModule : TesseraModule
{
    /// <summary>The Cards tables, for tests that migrate a database without a server.</summary>
    public static MigrationSet Schema { get; } = MigrationSet.FromAssembly("cards", typeof(CardsModule).Assembly);

    public override string Name => "cards";

    public override string Description => "Card images: import a Scryfall catalog, download its images into a resumable cache, validate, embed and index them, and identify the card in a photo.";

    public override MigrationSet Migrations => Schema;

    public override void AddServices(ModuleServices registrar)
    {
        ArgumentNullException.ThrowIfNull(registrar);
        registrar.AddSettings<CardsSettings>()
            .AddJobHandler<CardsImportJobHandler>()
            .AddJobHandler<CardsDownloadJobHandler>()
            .AddJobHandler<CardsEmbedJobHandler>()
            .AddJobHandler<CardsBuildJobHandler>()
            .AddVectorCollection<CardsVectorSource>(CardsIndexService.Collection);
        var services = registrar.Services;
        services.AddSingleton<ImageFiles>();
        services.AddSingleton<CatalogImportService>();
        services.AddSingleton<CardsDownloadService>();
        services.AddSingleton<CardsStatusService>();
        services.AddSingleton<CardsValidationService>();
        services.AddSingleton<CardsEmbedderChoice>();
        services.AddSingleton<CardRectifier>();
        services.AddSingleton<GeometricVerifier>();
        services.AddSingleton<CardIdentifier>();
        services.AddSingleton<CardsEmbeddingService>();
        services.AddSingleton(sp => ActivatorUtilities.CreateInstance<CardsIndexService>(sp, sp.GetRequiredService<VectorCollections>().Get(CardsIndexService.CollectionName)));
    }

    public override void MapEndpoints(RouteGroupBuilder group) => group.MapCards();

    public override ModulePages Pages => CardsUi.Pages;

    /// <summary>The verbs; the CLI groups them under <c>tessera cards</c> itself.</summary>
    public override IEnumerable<Command> Commands(IModuleCommandHost host) => CardsCommands.Create(host);
}
