using System.CommandLine;
using Spectre.Console;
using Tessera.Cli.Hosting;
using Tessera.Inference.Embeddings;
using Tessera.Inference.Esm;

namespace Tessera.Cli.Commands.Models;

/// <summary>
/// <c>tessera models list</c> and <c>tessera models info NAME</c>: the embedders known by name (packaged pretrained
/// models and classical featurizers), with modality, dimension, origin, source files and model sha256.
/// </summary>
internal static class ModelsCommand
{
    public static Command Create(CliHost host)
    {
        var command = new Command("models", "List the embedders known by name and describe one.");
        command.Subcommands.Add(CreateList(host));
        command.Subcommands.Add(CreateInfo(host));
        return command;
    }

    private static Command CreateList(CliHost host)
    {
        var command = new Command("list", "One line per embedder: name, modality, dimension, pretrained or classical (each model is loaded to read its dimension).");
        command.SetAction(async (_, ct) =>
        {
            var registry = host.Embedders(new EsmEmbeddingOptions());
            foreach (var named in registry.Named)
            {
                var dimension = await DimensionAsync(registry, named.Name, ct).ConfigureAwait(false);
                Console.WriteLine($"{named.Name}\t{Words(named.Modality)}\t{dimension}\t{Words(named.Origin)}");
            }
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command CreateInfo(CliHost host)
    {
        var name = new Argument<string>("name") { Description = "An embedder name from 'tessera models list', or an ESM-2 checkpoint folder." };
        var command = new Command("info", "Load one embedder and describe it.");
        command.Arguments.Add(name);
        command.SetAction(async (parse, ct) =>
        {
            var registry = host.Embedders(new EsmEmbeddingOptions());
            var model = await registry.GetModelAsync(parse.GetValue(name)!, ct).ConfigureAwait(false);
            var d = model.Descriptor;
            Console.WriteLine($"name: {d.Name}");
            Console.WriteLine($"modality: {Words(d.Modality)}");
            Console.WriteLine($"dimension: {d.Dimension}");
            Console.WriteLine($"origin: {Words(d.Origin)}");
            Console.WriteLine($"pooling: {d.Pooling}");
            Console.WriteLine($"long input: {d.TruncationPolicy}");
            Console.WriteLine($"sha256: {d.ModelHash}");
            foreach (var source in d.Sources) Console.WriteLine($"source: {source}");
            return ExitCodes.Success;
        });
        return command;
    }

    private static async Task<string> DimensionAsync(EmbedderRegistry registry, string name, CancellationToken ct)
    {
        try
        {
            var model = await registry.GetModelAsync(name, ct).ConfigureAwait(false);
            return model.Descriptor.Dimension.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (FileNotFoundException e)
        {
            AnsiConsole.MarkupLineInterpolated($"[yellow]{name}: not installed ({e.FileName})[/]");
            return "?";
        }
    }

    internal static string Words(EmbeddingModality modality) => modality switch
    {
        EmbeddingModality.ProteinSequence => "protein-sequence",
        EmbeddingModality.Image => "image",
        _ => "text",
    };

    internal static string Words(EmbedderOrigin origin) => origin == EmbedderOrigin.Classical ? "classical" : "pretrained";
}
