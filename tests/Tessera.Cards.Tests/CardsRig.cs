using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Tessera.Cards.Catalog;
using Tessera.Cards.Download;
using Tessera.Cards.Embedding;
using Tessera.Cards.Index;
using Tessera.Cards.Storage;
using Tessera.Cards.Status;
using Tessera.Cards.Validation;
using Tessera.Core.Identity;
using Tessera.Data;
using Tessera.Data.Migrations;
using Tessera.Inference.Embeddings;
using Tessera.Testing;
using Tessera.Vectors.Collections;
using Tessera.Vectors.Management;

namespace Tessera.Cards.Tests;

/// <summary>A migrated scratch database of one dialect, the Cards services over it, and an owner in an organization of its own.</summary>
internal sealed class CardsRig : IAsyncDisposable
{
    private CardsRig(ScratchDatabase scratch, CardsSettings settings)
    {
        Scratch = scratch;
        Settings = settings;
        Files = new ImageFiles(new DataPaths(scratch.DataDir));
        Imports = new CatalogImportService(scratch.Database, settings, TimeProvider.System, NullLogger<CatalogImportService>.Instance);
        Downloads = new CardsDownloadService(scratch.Database, Files, settings, TimeProvider.System, NullLogger<CardsDownloadService>.Instance);
        Validation = new CardsValidationService(scratch.Database, Files, settings, TimeProvider.System);
        Embeddings = new CardsEmbeddingService(scratch.Database, Files, new CardsEmbedderChoice(Registry), TimeProvider.System, NullLogger<CardsEmbeddingService>.Instance);
        Collection = new VectorCollection(
            CardsIndexService.Collection, new CardsVectorSource(scratch.Database), Path.Combine(scratch.DataDir, "indexes"), NullLogger<VectorIndexManager>.Instance, TimeProvider.System,
            buildThreads: 1);
        Index = new CardsIndexService(scratch.Database, Collection, Files, Registry, TimeProvider.System, NullLogger<CardsIndexService>.Instance);
        Status = new CardsStatusService(scratch.Database, Index);
    }

    /// <summary>The platform's embedders, loaded once for every test of the run (ResNet18 takes a moment to load).</summary>
    public static EmbedderRegistry Registry { get; } = new(PretrainedEmbedders.All());

    /// <summary>Fast retries, so fault tests take seconds; a read timeout that a loaded machine does not hit by accident.</summary>
    public static CardsSettings TestSettings() => new() { BackoffBaseMs = 20, ReadTimeoutSeconds = 5, ConnectTimeoutSeconds = 2, MaxAttempts = 3, MaxBackoffSeconds = 5, ImportBatch = 4 };

    public ScratchDatabase Scratch { get; }
    public CardsSettings Settings { get; }
    public ImageFiles Files { get; }
    public CatalogImportService Imports { get; }
    public CardsDownloadService Downloads { get; }
    public CardsStatusService Status { get; }
    public CardsValidationService Validation { get; }
    public CardsEmbeddingService Embeddings { get; }
    public VectorCollection Collection { get; }
    public CardsIndexService Index { get; }
    public Principal Owner { get; } = NewOwner();

    public static Principal NewOwner() => new(Guid.CreateVersion7(), Guid.CreateVersion7(), new HashSet<string>(Permissions.All));

    public static async Task<CardsRig> CreateAsync(string dialect, CardsSettings? settings = null)
    {
        var scratch = await ScratchDatabase.CreateAsync(dialect);
        await new MigrationRunner(scratch.Database, [DataModule.Migrations, CardsModule.Schema], TimeProvider.System, NullLogger<MigrationRunner>.Instance).MigrateAsync();
        return new CardsRig(scratch, settings ?? TestSettings());
    }

    /// <summary>Writes <paramref name="json"/> to a file in the data dir and imports it as <see cref="Owner"/>.</summary>
    public async Task<ImportReport> ImportJsonAsync(string json, Principal? owner = null)
    {
        var path = Path.Combine(Scratch.DataDir, $"bulk-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(path, json);
        return await Imports.ImportAsync(owner ?? Owner, path, null, CancellationToken.None);
    }

    public string ImagePath(string url) => Path.Combine(Files.Folder(Owner.OrgId), ImageFiles.NameOf(url));

    /// <summary>Every file under the owner's image folder (.part files included).</summary>
    public string[] FilesOnDisk()
    {
        var folder = Files.Folder(Owner.OrgId);
        return Directory.Exists(folder) ? Directory.GetFiles(folder, "*", SearchOption.AllDirectories) : [];
    }

    public async Task<List<(string Url, string State, string? Reason)>> DownloadRowsAsync()
    {
        await using var c = await Scratch.Database.OpenConnectionAsync();
        return (await c.QueryAsync<(string, string, string?)>(
            "SELECT url, state, reason FROM cards_downloads WHERE org_id = @org ORDER BY url", new { org = Owner.OrgId })).ToList();
    }

    public async ValueTask DisposeAsync()
    {
        await Collection.DisposeAsync();
        await Scratch.DisposeAsync();
    }
}
