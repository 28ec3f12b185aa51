using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;
using Tessera.Cards.Index;
using Tessera.Platform.Modules;

namespace Tessera.Cards.Cli;

/// <summary><c>tessera cards build</c>: rebuilds the index of the embedded card images with chosen HNSW parameters and writes its manifest.</summary>
internal static class BuildCommand
{
    public static Command Create(IModuleCommandHost host)
    {
        var model = new Option<string?>("--model") { Description = "Whose vectors to index; default the model of the latest embedding." };
        var m = new Option<int>("--hnsw-m") { Description = "Links per node, 4 to 128.", DefaultValueFactory = _ => BuildRequest.DefaultM };
        var ef = new Option<int>("--hnsw-ef-construction") { Description = "Candidates kept while linking, at least M.", DefaultValueFactory = _ => BuildRequest.DefaultEfConstruction };
        var json = new Option<bool>("--json") { Description = "Print the manifest as JSON instead of a line." };
        var owner = new ModuleCliOwner("cards");
        var command = new Command("build", "Rebuild the card index (HNSW, inner product) from every embedded image and write its build manifest.");
        foreach (var option in new Option[] { model, m, ef, json }) command.Options.Add(option);
        owner.AddTo(command);
        host.AddDataOptions(command);
        command.SetAction(async (parse, ct) =>
        {
            var request = new BuildRequest { Model = parse.GetValue(model), M = parse.GetValue(m), EfConstruction = parse.GetValue(ef) }.Validate();
            await using var services = await host.OpenAsync(parse, ct).ConfigureAwait(false);
            var principal = await owner.ResolveAsync(parse, services, ct).ConfigureAwait(false);
            var index = services.GetRequiredService<CardsIndexService>();
            BuildManifest? manifest = null;
            if (parse.GetValue(json) || Console.IsOutputRedirected)
                manifest = await index.BuildAsync(principal, request, ct).ConfigureAwait(false);
            else
                await AnsiConsole.Status().StartAsync("Building the card index", async _ => manifest = await index.BuildAsync(principal, request, ct).ConfigureAwait(false)).ConfigureAwait(false);
            Console.WriteLine(parse.GetValue(json)
                ? JsonSerializer.Serialize(manifest!, CardsCommands.Json)
                : string.Create(CultureInfo.InvariantCulture,
                    $"Index of {manifest!.IndexVectors} vectors ({manifest.OrganizationVectors} yours) built with {manifest.Model}, M={manifest.M}, efConstruction={manifest.EfConstruction} in {manifest.BuildSeconds:0.0} s."));
            return 0;
        });
        return command;
    }
}
