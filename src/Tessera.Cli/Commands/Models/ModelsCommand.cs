using System.CommandLine;
using Spectre.Console;
using Tessera.Cli.Hosting;
using Tessera.Core.Errors;
using Tessera.Inference.Bert;
using Tessera.Inference.Embeddings;
using Tessera.Inference.Onnx;
using Tessera.Inference.Text;
using Tessera.Inference.Esm;

namespace Tessera.Cli.Commands.Models;

/// <summary>
/// <c>tessera models list</c> and <c>tessera models info NAME</c>: the embedders known by name (packaged pretrained
/// models and classical featurizers), with modality, dimension, origin, backend, source files and model sha256;
/// <c>tessera models import</c> converts a BERT ONNX model into a safetensors folder for the in-house engine;
/// <c>tessera models import-whisper</c> installs a whisper.cpp model for the Guides worker.
/// </summary>
internal static class ModelsCommand
{
    public static Command Create(CliHost host)
    {
        var command = new Command("models", "List the embedders known by name and describe one; import BERT and whisper models.");
        command.Subcommands.Add(CreateList(host));
        command.Subcommands.Add(CreateInfo(host));
        command.Subcommands.Add(CreateImport());
        command.Subcommands.Add(ImportWhisperCommand.Create());
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
            Console.WriteLine($"backend: {Backend(model)}");
            Console.WriteLine($"pooling: {d.Pooling}");
            Console.WriteLine($"long input: {d.TruncationPolicy}");
            Console.WriteLine($"sha256: {d.ModelHash}");
            foreach (var source in d.Sources) Console.WriteLine($"source: {source}");
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command CreateImport()
    {
        var onnx = new Argument<string?>("onnx-file") { Description = "A BERT encoder exported to ONNX (with vocab.txt beside it, or --vocab).", Arity = ArgumentArity.ZeroOrOne };
        var model = new Option<string?>("--model") { Description = "A packaged BERT model instead of a file: " + string.Join(", ", PackagedBert.Keys) + "." };
        var output = new Option<string>("--out") { Description = "The folder to create (it must not exist).", Required = true };
        var vocabulary = new Option<string?>("--vocab") { Description = "The WordPiece vocabulary of an ONNX file (default: vocab.txt beside it)." };
        var maxTokens = new Option<int>("--max-tokens") { Description = "The window, [CLS] and [SEP] included.", DefaultValueFactory = _ => 512 };
        var pooling = new Option<string>("--pooling") { Description = "mean or cls: how token states become the sentence vector.", DefaultValueFactory = _ => "mean" };
        var command = new Command("import", "Convert a BERT model shipped as ONNX into a Hugging Face safetensors folder (config.json, model.safetensors, vocab.txt) that the in-house engine runs.");
        command.Arguments.Add(onnx);
        command.Options.Add(model);
        command.Options.Add(output);
        command.Options.Add(vocabulary);
        command.Options.Add(maxTokens);
        command.Options.Add(pooling);
        command.SetAction((parse, _) =>
        {
            var file = parse.GetValue(onnx);
            var name = parse.GetValue(model);
            var target = parse.GetValue(output)!;
            if ((file is null) == (name is null))
            {
                Console.Error.WriteLine("error: give either an ONNX file or --model NAME.");
                return Task.FromResult(ExitCodes.Usage);
            }
            ImportedBertModel imported;
            if (name is not null)
            {
                if (!PackagedBert.TryGetValue(name, out var packaged))
                    throw TesseraException.Validation($"'{name}' is not a packaged BERT model; choose one of {string.Join(", ", PackagedBert.Keys)}.");
                imported = BertModelImport.Import(packaged(new OnnxRuntimeOptions().ModelsDirectory), target);
            }
            else
            {
                var mode = parse.GetValue(pooling) switch
                {
                    "mean" => EmbeddingPooling.MeanOverTokens,
                    "cls" => EmbeddingPooling.ClsToken,
                    var other => throw TesseraException.Validation($"--pooling is '{other}'; use mean or cls."),
                };
                imported = BertModelImport.Import(file!, parse.GetValue(vocabulary), parse.GetValue(maxTokens), mode, target);
            }
            Console.WriteLine($"imported: {imported.Directory}");
            Console.WriteLine($"layers: {imported.Layers}, hidden: {imported.Hidden}, heads: {imported.Heads}, intermediate: {imported.Intermediate}");
            Console.WriteLine($"window: {imported.MaxTokens} tokens, pooling: {imported.Pooling}");
            Console.WriteLine($"source sha256: {imported.SourceSha256}");
            return Task.FromResult(ExitCodes.Success);
        });
        return command;
    }

    private static readonly Dictionary<string, Func<string, BertTextModel>> PackagedBert = new(StringComparer.Ordinal)
    {
        [PretrainedEmbedders.MiniLm] = PretrainedEmbedders.MiniLmModel,
        [PretrainedEmbedders.ArcticXs] = PretrainedEmbedders.ArcticXsModel,
    };

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

    /// <summary>What computes the vectors: ONNX Runtime, the in-house engine, a remote server, or a classical featurizer.</summary>
    private static string Backend(IEmbedderModel model) => model switch
    {
        BertTextEmbedder bert => bert.Backend,
        EsmEmbedder => "tessera-engine",
        Tessera.Inference.Images.ResNetImageEmbedder => "onnxruntime",
        _ when model.Descriptor.Origin == EmbedderOrigin.Remote => "remote",
        _ => "classical",
    };

    internal static string Words(EmbeddingModality modality) => modality switch
    {
        EmbeddingModality.ProteinSequence => "protein-sequence",
        EmbeddingModality.Image => "image",
        _ => "text",
    };

    internal static string Words(EmbedderOrigin origin) => origin == EmbedderOrigin.Classical ? "classical" : "pretrained";
}
