using System.CommandLine;
using Tessera.Cli.Hosting;
using Tessera.Inference.Esm;

namespace Tessera.Cli.Commands.Embed;

/// <summary>
/// <c>tessera embed --model DIR --input FILE.fasta --output OUT.npy [--per-residue OUT_DIR] [--threads N] [--batch N]</c>:
/// mean-pooled float32 embeddings, one row per FASTA record in input order.
/// </summary>
internal static class EmbedCommand
{
    public static Command Create(CliHost host)
    {
        var model = new Option<string>("--model")
        {
            Description = $"ESM-2 checkpoint folder (config.json, model.safetensors, vocab.txt), or an embedder a module registers by name ({string.Join(", ", host.EmbedderNames)}).",
            Required = true,
        };
        var input = new Option<string>("--input") { Description = "FASTA file of protein or peptide sequences.", Required = true };
        var output = new Option<string>("--output") { Description = "Output .npy file: float32 [n, dim], rows in input order.", Required = true };
        var perResidue = new Option<string?>("--per-residue") { Description = "Folder for one [residues, dim] .npy per sequence (BOS/EOS excluded), named by record number and id." };
        var threads = new Option<int>("--threads") { Description = "Threads per forward pass.", DefaultValueFactory = _ => Environment.ProcessorCount };
        var batch = new Option<int>("--batch") { Description = "Sequences per forward pass (grouped by length).", DefaultValueFactory = _ => 8 };
        var longSequences = new Option<LongSequencePolicy>("--long-sequences")
        {
            Description = "Sequences over 1022 residues: 'chunk' (overlapping windows, averaged) or 'reject'.",
            DefaultValueFactory = _ => LongSequencePolicy.Chunk,
        };
        var overlap = new Option<int>("--overlap") { Description = "Residues shared by consecutive windows under --long-sequences chunk.", DefaultValueFactory = _ => 256 };

        var command = new Command("embed", "Embed sequences from a FASTA file with an ESM-2 model (or the classical peptide descriptors).");
        foreach (var option in new Option[] { model, input, output, perResidue, threads, batch, longSequences, overlap }) command.Options.Add(option);
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
                }),
            cancellationToken));
        return command;
    }
}
