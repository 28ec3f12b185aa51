using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;
using Tessera.Cards.Catalog;
using Tessera.Cards.Download;
using Tessera.Cards.Status;
using Tessera.Platform.Modules;

namespace Tessera.Cards.Cli;

/// <summary>
/// <c>tessera cards import|download|validate|embed|build|identify|status</c> on the deployment the data options name, through the services the
/// API's jobs run. Bad arguments, an empty catalog and a run where every download failed exit non-zero with one line.
/// </summary>
internal static class CardsCommands
{
    internal static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static IEnumerable<Command> Create(IModuleCommandHost host) => [Import(host), DownloadCommand.Create(host), ValidateCommand.Create(host), EmbedCommand.Create(host), BuildCommand.Create(host), IdentifyCommand.Create(host), StatusCommand(host)];

    private static Command Import(IModuleCommandHost host)
    {
        var source = new Argument<string>("source") { Description = "A Scryfall bulk-data JSON file (a JSON array of cards), or an http(s) URL to one." };
        var json = new Option<bool>("--json") { Description = "Print the import's report as JSON instead of a line." };
        var owner = new ModuleCliOwner("cards");
        var command = new Command("import", "Import (or re-import) a card catalog, streamed; prints what was added, changed and removed.");
        command.Arguments.Add(source);
        command.Options.Add(json);
        owner.AddTo(command);
        host.AddDataOptions(command);
        command.SetAction(async (parse, ct) =>
        {
            var from = parse.GetValue(source)!;
            if (!CardsHttp.IsUrl(from, out _)) from = Path.GetFullPath(from);
            await using var services = await host.OpenAsync(parse, ct).ConfigureAwait(false);
            var principal = await owner.ResolveAsync(parse, services, ct).ConfigureAwait(false);
            var imports = services.GetRequiredService<CatalogImportService>();
            ImportReport? report = null;
            if (parse.GetValue(json) || Console.IsOutputRedirected)
            {
                report = await imports.ImportAsync(principal, from, null, ct).ConfigureAwait(false);
            }
            else
            {
                await AnsiConsole.Status().StartAsync($"Importing {Markup.Escape(from)}", async context =>
                {
                    var progress = new Progress<int>(cards => context.Status($"Importing {Markup.Escape(from)}: {cards:N0} cards"));
                    report = await imports.ImportAsync(principal, from, progress, ct).ConfigureAwait(false);
                }).ConfigureAwait(false);
            }
            Console.WriteLine(parse.GetValue(json)
                ? JsonSerializer.Serialize(report!, Json)
                : string.Create(CultureInfo.InvariantCulture,
                    $"{report!.Cards} cards: {report.Added} added, {report.Changed} changed, {report.Unchanged} unchanged, {report.Removed} removed, {report.Invalid} invalid entries skipped."));
            return 0;
        });
        return command;
    }

    private static Command StatusCommand(IModuleCommandHost host)
    {
        var json = new Option<bool>("--json") { Description = "Print the status as JSON." };
        var owner = new ModuleCliOwner("cards");
        var command = new Command("status", "Show the catalog, its image URLs per size, the downloads and the latest imports.");
        command.Options.Add(json);
        owner.AddTo(command);
        host.AddDataOptions(command);
        command.SetAction(async (parse, ct) =>
        {
            await using var services = await host.OpenAsync(parse, ct).ConfigureAwait(false);
            var principal = await owner.ResolveAsync(parse, services, ct).ConfigureAwait(false);
            var status = await services.GetRequiredService<CardsStatusService>().GetAsync(principal, ct).ConfigureAwait(false);
            if (parse.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(status, Json));
                return 0;
            }
            Console.WriteLine($"cards: {status.Cards}");
            foreach (var size in status.Images) Console.WriteLine($"images ({size.Size}): {size.Urls}");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"downloaded: {status.Downloaded} ({status.DownloadedBytes / 1e6:0.0} MB); failed: {status.Failed}"));
            foreach (var (reason, count) in status.FailedByReason) Console.WriteLine($"  {reason}: {count}");
            foreach (var model in status.Embeddings) Console.WriteLine($"embedded with {model.Model}: {model.Vectors}");
            if (status.Index is { } index)
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"index: {index.Vectors} vectors of {index.Model}, M {index.M}, efConstruction {index.EfConstruction}, built {index.BuiltAt:u}" +
                    $"{(index.Aligned ? "" : "; the catalog changed since: run 'tessera cards build'")}{(index.NewSinceBuild > 0 ? $"; {index.NewSinceBuild} newer vectors searched exactly" : "")}"));
            foreach (var import in status.Imports)
                Console.WriteLine($"import {import.StartedAt:u} {import.State}: {import.Cards} cards, +{import.Added} ~{import.Changed} -{import.Removed} ({import.Source})");
            return 0;
        });
        return command;
    }
}
