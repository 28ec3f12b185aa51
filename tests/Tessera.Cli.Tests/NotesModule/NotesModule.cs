using System.CommandLine;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Core.Errors;
using Tessera.Data.Identity;
using Tessera.Data.Migrations;
using Tessera.Jobs;
using Tessera.Platform.Collections;
using Tessera.Platform.Modules;
using Tessera.Vectors;
using Tessera.Vectors.Collections;
using Tessera.Vectors.Hnsw;

namespace Tessera.Cli.Tests.NotesModule;

/// <summary>
/// A small system defined only in this test project, to prove the module contract: it gets its table, settings, an
/// endpoint, a job kind, a CLI verb and a vector collection without any change to the server or the CLI.
/// </summary>
internal sealed class NotesModule : TesseraModule
{
    public static readonly VectorPartition Partition = new("letters", "letters-v1", NoteVectors.Dimension);

    public override string Name => "notes";

    public override string Description => "Short notes, searchable by their letters (a test module).";

    public override MigrationSet Migrations { get; } = MigrationSet.FromAssembly("notes", typeof(NotesModule).Assembly);

    public override void AddServices(ModuleServices registrar)
    {
        registrar.AddSettings<NotesSettings>()
            .AddJobHandler<NotesCountJobHandler>()
            .AddVectorCollection<NotesVectorSource>(new VectorCollectionDefinition("notes", DistanceMetric.Cosine, new HnswOptions { M = 8, EfConstruction = 64 }));
        registrar.Services.AddSingleton<NotesStore>();
    }

    public override void MapEndpoints(RouteGroupBuilder group)
    {
        group.MapPost("/", async (NoteBody body, Caller caller, NotesStore store, NotesSettings settings, CancellationToken ct) =>
        {
            if (body.Text.Length > settings.MaxLength) throw TesseraException.Validation($"A note has at most {settings.MaxLength} characters.");
            var label = await store.AddAsync(caller.Principal.OrgId, body.Text, ct);
            return TypedResults.Created($"/api/v1/notes/{label}", new { label });
        });
        group.MapPost("/search", async (NoteBody body, Caller caller, VectorCollections collections, CancellationToken ct) =>
        {
            var found = await collections.Get("notes").SearchAsync(Partition, NoteVectors.Of(body.Text), 5, [caller.Principal.OrgId], ct);
            return TypedResults.Ok(new { labels = found.Hits.Select(h => h.Label).ToArray(), indexed = found.Indexed, scanned = found.Scanned });
        });
    }

    public override IEnumerable<Command> Commands(IModuleCommandHost host)
    {
        var org = new Option<Guid>("--org") { Required = true };
        var text = new Option<string>("--text") { Required = true };
        var add = new Command("add", "Store a note.");
        add.Options.Add(org);
        add.Options.Add(text);
        host.AddDataOptions(add);
        add.SetAction(async (parse, ct) =>
        {
            await using var services = await host.OpenAsync(parse, ct);
            await services.GetRequiredService<NotesStore>().AddAsync(parse.GetValue(org), parse.GetValue(text)!, ct);
            return 0;
        });
        return [add];
    }

    internal sealed record NoteBody(string Text);
}

internal sealed class NotesSettings
{
    [ConfigurationKeyName("max_length")]
    [Range(1, 1000, ErrorMessage = "notes:max_length must be from 1 to 1000.")]
    public int MaxLength { get; set; } = 200;
}

/// <summary><c>notes.count</c>: how many notes an organization has.</summary>
internal sealed class NotesCountJobHandler(NotesStore store) : IJobHandler
{
    public string Kind => "notes.count";
    public int Version => 1;
    public bool Cacheable => false;

    public async Task<JsonNode?> ExecuteAsync(JobContext context, CancellationToken cancellationToken) =>
        new JsonObject { ["count"] = await store.CountAsync(context.Owner.OrgId, cancellationToken) };
}

/// <summary>A note's vector: how often each of eight letters occurs (plus one, so no vector is zero).</summary>
internal static class NoteVectors
{
    public const int Dimension = 8;

    public static float[] Of(string text)
    {
        var vector = new float[Dimension];
        Array.Fill(vector, 1f);
        foreach (var c in text.ToLowerInvariant())
        {
            if (c is >= 'a' and <= 'h') vector[c - 'a'] += 1;
        }
        return vector;
    }
}
