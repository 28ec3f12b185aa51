using Spectre.Console;
using Tessera.Cli.Hosting;
using Tessera.Core.Errors;
using Tessera.Core.Numerics;
using Tessera.Inference.Embeddings;
using Tessera.Inference.Sequences;

namespace Tessera.Cli.Commands.Embed;

/// <summary>Runs <c>tessera embed</c>: read FASTA, load the model once, embed in groups with a progress bar, write .npy.</summary>
internal static class EmbedRunner
{
    /// <summary>Sequences per group: bounds memory (per-residue states) while keeping batches full.</summary>
    private const int GroupSize = 256;

    public static async Task<int> RunAsync(CliHost host, EmbedRequest request, CancellationToken cancellationToken)
    {
        var records = FastaReader.ReadFile(request.Input);
        var outputFolder = Path.GetDirectoryName(Path.GetFullPath(request.Output))!;
        if (!Directory.Exists(outputFolder)) throw TesseraException.Validation($"Output folder does not exist: {outputFolder}");
        var registry = host.Embedders(request.Options);
        if (registry.Names.Contains(request.Model))
        {
            if (request.PerResidueDirectory is not null) throw TesseraException.Validation($"--per-residue needs an ESM-2 model; {request.Model} has no residue states.");
            return await WriteNamedAsync(await registry.GetAsync(request.Model, cancellationToken).ConfigureAwait(false), records, request.Output, cancellationToken).ConfigureAwait(false);
        }
        if (request.PerResidueDirectory is not null) Directory.CreateDirectory(request.PerResidueDirectory);

        var embedder = await registry.GetProteinModelAsync(request.Model, cancellationToken).ConfigureAwait(false);
        var dimension = embedder.Descriptor.Dimension;
        var means = new float[records.Count * dimension];
        await AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask($"Embedding {records.Count} sequences", maxValue: records.Count);
                for (var first = 0; first < records.Count; first += GroupSize)
                {
                    var group = records.Skip(first).Take(GroupSize).ToArray();
                    var start = first;
                    var progress = new Progress<int>(done => task.Value = start + done);
                    var results = await Task.Run(
                        () => request.PerResidueDirectory is null
                            ? embedder.EmbedProteins([.. group.Select(r => r.Sequence)], progress, cancellationToken)
                            : embedder.EmbedProteinsPerResidue([.. group.Select(r => r.Sequence)], progress, cancellationToken),
                        cancellationToken).ConfigureAwait(false);
                    for (var i = 0; i < results.Count; i++)
                    {
                        results[i].Mean.CopyTo(means.AsSpan((start + i) * dimension, dimension));
                        if (request.PerResidueDirectory is not null)
                        {
                            var path = Path.Combine(request.PerResidueDirectory, PerResidueFileName(start + i, group[i].Id));
                            Npy.WriteFile(path, results[i].PerResidue, results[i].Residues, dimension);
                        }
                    }
                    task.Value = start + group.Length;
                }
            }).ConfigureAwait(false);
        Npy.WriteFile(request.Output, means, records.Count, dimension);
        AnsiConsole.MarkupLineInterpolated(
            $"Wrote [green]{records.Count} × {dimension}[/] embeddings to {request.Output} (model {embedder.Descriptor.Name}, sha256 {embedder.Descriptor.ModelHash}, {embedder.Descriptor.TruncationPolicy}).");
        return ExitCodes.Success;
    }

    /// <summary>A named (weight-free) embedder: fast enough to run in one batch per group without a progress bar.</summary>
    private static async Task<int> WriteNamedAsync(ITesseraEmbedder embedder, IReadOnlyList<FastaRecord> records, string output, CancellationToken cancellationToken)
    {
        var dimension = embedder.Descriptor.Dimension;
        var vectors = new float[records.Count * dimension];
        for (var first = 0; first < records.Count; first += GroupSize)
        {
            var group = records.Skip(first).Take(GroupSize).Select(r => r.Sequence).ToList();
            var embeddings = await embedder.GenerateAsync(group, cancellationToken: cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < embeddings.Count; i++) embeddings[i].Vector.Span.CopyTo(vectors.AsSpan((first + i) * dimension, dimension));
        }
        Npy.WriteFile(output, vectors, records.Count, dimension);
        AnsiConsole.MarkupLineInterpolated(
            $"Wrote [green]{records.Count} × {dimension}[/] embeddings to {output} ({embedder.Descriptor.Name}, sha256 {embedder.Descriptor.ModelHash}).");
        return ExitCodes.Success;
    }

    /// <summary>Record number first so files sort in input order; the id is reduced to file-safe characters.</summary>
    private static string PerResidueFileName(int index, string id)
    {
        var safe = new string(id.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_').ToArray());
        if (safe.Length > 80) safe = safe[..80];
        return $"{index:D6}_{safe}.npy";
    }
}
