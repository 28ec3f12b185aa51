using System.CommandLine;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Core.Errors;
using Tessera.Platform.Modules;
using Tessera.Traces.Sources;

namespace Tessera.Traces.Cli;

/// <summary><c>tessera traces sources list|add|remove</c>: the sources the server watches, with the API's validation (allowed roots included).</summary>
internal static class SourcesCommands
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static Command Create(IModuleCommandHost host)
    {
        var sources = new Command("sources", "List, add or remove the folders the server watches.");
        sources.Subcommands.Add(List(host));
        sources.Subcommands.Add(Add(host));
        sources.Subcommands.Add(Remove(host));
        return sources;
    }

    private static Command List(IModuleCommandHost host)
    {
        var owner = new ModuleCliOwner("traces");
        var command = new Command("list", "Print the organization's sources, one JSON object a line.");
        owner.AddTo(command);
        host.AddDataOptions(command);
        command.SetAction(async (parse, ct) =>
        {
            await using var services = await host.OpenAsync(parse, ct).ConfigureAwait(false);
            var principal = await owner.ResolveAsync(parse, services, ct).ConfigureAwait(false);
            foreach (var source in await services.GetRequiredService<TracesSourceService>().ListAsync(principal, ct).ConfigureAwait(false))
                Console.WriteLine(JsonSerializer.Serialize(source, Json));
            return 0;
        });
        return command;
    }

    private static Command Add(IModuleCommandHost host)
    {
        var name = new Argument<string>("name") { Description = "A name unique in the organization." };
        var path = new Argument<string>("path") { Description = "The folder (inside data-dir/traces/inbox or a traces:allowed_roots folder)." };
        var glob = new Option<string?>("--glob") { Description = "Which files, relative to the folder (default **/*)." };
        var format = new Option<string?>("--format") { Description = "auto, seed, smolagents or swe-agent (default auto)." };
        var embedder = new Option<string?>("--embedder") { Description = "A text embedder (default traces:default_embedder)." };
        var poll = new Option<int?>("--poll-seconds") { Description = "Poll interval (default 30)." };
        var debounce = new Option<int?>("--debounce-ms") { Description = "How long a file must stay unchanged (default 2000)." };
        var owner = new ModuleCliOwner("traces");
        var command = new Command("add", "Add a source the server watches.");
        command.Arguments.Add(name);
        command.Arguments.Add(path);
        foreach (var option in new Option[] { glob, format, embedder, poll, debounce }) command.Options.Add(option);
        owner.AddTo(command);
        host.AddDataOptions(command);
        command.SetAction(async (parse, ct) =>
        {
            await using var services = await host.OpenAsync(parse, ct).ConfigureAwait(false);
            var principal = await owner.ResolveAsync(parse, services, ct).ConfigureAwait(false);
            var folder = Path.GetFullPath(parse.GetValue(path)!);
            var source = await services.GetRequiredService<TracesSourceService>().CreateAsync(principal, new TracesSourceSettings(
                parse.GetValue(name), folder, parse.GetValue(glob), parse.GetValue(format), parse.GetValue(embedder), parse.GetValue(poll), parse.GetValue(debounce)), ct).ConfigureAwait(false);
            Console.WriteLine(JsonSerializer.Serialize(source, Json));
            return 0;
        });
        return command;
    }

    private static Command Remove(IModuleCommandHost host)
    {
        var name = new Argument<string>("name") { Description = "The source's name." };
        var owner = new ModuleCliOwner("traces");
        var command = new Command("remove", "Remove a source and every record ingested from it.");
        command.Arguments.Add(name);
        owner.AddTo(command);
        host.AddDataOptions(command);
        command.SetAction(async (parse, ct) =>
        {
            await using var services = await host.OpenAsync(parse, ct).ConfigureAwait(false);
            var principal = await owner.ResolveAsync(parse, services, ct).ConfigureAwait(false);
            var sources = services.GetRequiredService<TracesSourceService>();
            var source = await sources.FindByNameAsync(principal, parse.GetValue(name)!, ct).ConfigureAwait(false) ?? throw TesseraException.NotFound("source");
            await sources.DeleteAsync(principal, source.Id, ct).ConfigureAwait(false);
            Console.WriteLine($"Removed source '{source.Name}'.");
            return 0;
        });
        return command;
    }
}
