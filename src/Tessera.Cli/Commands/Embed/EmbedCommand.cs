using System.CommandLine;
using Tessera.Cli.Hosting;
using Tessera.Inference.Esm;

namespace Tessera.Cli.Commands.Embed;

/// <summary>
/// <c>tessera embed --model NAME|DIR --input FILE|FOLDER --output OUT.npy [--format …] [--per-residue OUT_DIR] [--threads N] [--batch N]</c>:
/// float32 embeddings, one row per FASTA record, text line, JSONL record or image file, in input order.
/// </summary>
internal static class EmbedCommand
{
    public static Command Create(CliHost host)
    {
        var model = new Option<string>("--model")
        {
            Description = $"An embedder by name ({string.Join(", ", host.EmbedderNames)}; see 'tessera models list'), or an ESM-2 checkpoint folder (config.json, model.safetensors, vocab.txt).",
            Required = true,
        };
        var input = new Option<string>("--input") { Description = "FASTA file, text file (one text a line), JSONL file, or a folder of images (rows in file-name order).", Required = true };
        var format = new Option<EmbedInputFormat>("--format")
        {
            Description = "Input kind: auto (a folder is images, .jsonl is JSONL, .fasta/.fa or a leading '>' is FASTA, else lines), fasta, lines, jsonl, images.",
            DefaultValueFactory = _ => EmbedInputFormat.Auto,
        };
        var textField = new Option<string>("--text-field") { Description = "The JSONL field holding the text.", DefaultValueFactory = _ => "text" };
        var output = new Option<string>("--output") { Description = "Output .npy file: float32 [n, dim], rows in input order.", Required = true };
        var perResidue = new Option<string?>("--per-residue") { Description = "Folder for one [residues, dim] .npy per sequence (BOS/EOS excluded), named by record number and id." };
        var threads = new Option<int>("--threads") { Description = "Threads per forward pass (ESM-2 and ONNX models).", DefaultValueFactory = _ => Environment.ProcessorCount };
        var batch = new Option<int>("--batch") { Description = "Sequences or texts per forward pass (grouped by length).", DefaultValueFactory = _ => 8 };
        var longSequences = new Option<LongSequencePolicy>("--long-sequences")
        {
            Description = "Sequences over 1022 residues: 'chunk' (overlapping windows, averaged) or 'reject'.",
            DefaultValueFactory = _ => LongSequencePolicy.Chunk,
        };
        var overlap = new Option<int>("--overlap") { Description = "Residues shared by consecutive windows under --long-sequences chunk.", DefaultValueFactory = _ => 256 };

        var command = new Command("embed", "Embed sequences, texts or images with a named embedder or an ESM-2 model.");
        foreach (var option in new Option[] { model, input, format, textField, output, perResidue, threads, batch, longSequences, overlap }) command.Options.Add(option);
        threads.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 1) result.AddError("--threads must be at least 1.");
        });
        batch.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 1) result.AddError("--batch must be at least 1.");
        });
        overlap.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 0) result.AddError("--overlap must not be negative.");
        });
        command.SetAction((parse, cancellationToken) => EmbedRunner.RunAsync(host,
            new EmbedRequest(
                parse.GetRequiredValue(model),
                parse.GetRequiredValue(input),
                parse.GetRequiredValue(output),
                parse.GetValue(perResidue),
                new EsmEmbeddingOptions
                {
                    Threads = parse.GetValue(threads),
                    BatchSize = parse.GetValue(batch),
                    LongSequences = parse.GetValue(longSequences),
                    ChunkOverlap = parse.GetValue(overlap),
                },
                parse.GetValue(format),
                parse.GetRequiredValue(textField)),
            cancellationToken));
        return command;
    }
}
