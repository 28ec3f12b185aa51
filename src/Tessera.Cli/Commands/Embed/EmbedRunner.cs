using Spectre.Console;
using Tessera.Cli.Hosting;
using Tessera.Core.Errors;
using Tessera.Core.Numerics;
using Microsoft.Extensions.AI;
using Tessera.Inference.Bert;
using Tessera.Inference.Embeddings;
using Tessera.Inference.Onnx;
using Tessera.Inference.Text;
using Tessera.Inference.Sequences;

namespace Tessera.Cli.Commands.Embed;

/// <summary>
/// Runs <c>tessera embed</c>: read the input, load the model once, embed in groups (ESM-2 with a progress bar), write
/// .npy. Named embedders take FASTA, text lines, JSONL or (image models) a folder of images; ESM-2 folders take FASTA.
/// </summary>
internal static class EmbedRunner
{
    /// <summary>Sequences per group: bounds memory (per-residue states) while keeping batches full.</summary>
    private const int GroupSize = 256;

    public static async Task<int> RunAsync(CliHost host, EmbedRequest request, CancellationToken cancellationToken)
    {
        var outputFolder = Path.GetDirectoryName(Path.GetFullPath(request.Output))!;
        if (!Directory.Exists(outputFolder)) throw TesseraException.Validation($"Output folder does not exist: {outputFolder}");
        var registry = host.Embedders(request.Options, new OnnxRuntimeOptions { IntraOpThreads = request.Options.Threads, BatchSize = request.Options.BatchSize });
        var format = EmbedInputs.Resolve(request.Input, request.Format);
        // A BERT folder (e.g. from 'tessera models import') embeds texts like a named text model.
        if (registry.Names.Contains(request.Model) || BertModelImport.IsBertFolder(request.Model))
        {
            if (request.PerResidueDirectory is not null) throw TesseraException.Validation($"--per-residue needs an ESM-2 model; {request.Model} has no residue states.");
            var named = await registry.GetModelAsync(request.Model, cancellationToken).ConfigureAwait(false);
            return named is ITesseraImageEmbedder images
                ? await WriteImagesAsync(images, EmbedInputs.ImageFiles(request.Input), request.Output, cancellationToken).ConfigureAwait(false)
                : await WriteNamedAsync((ITesseraEmbedder)named, EmbedInputs.ReadTexts(request.Input, format, request.TextField), request.Output, cancellationToken).ConfigureAwait(false);
        }
        if (format != EmbedInputFormat.Fasta) throw TesseraException.Validation($"An ESM-2 model embeds FASTA sequences; {request.Input} was read as {format.ToString().ToLowerInvariant()}.");
        var records = FastaReader.ReadFile(request.Input);
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

    /// <summary>A named embedder over texts or sequences, one group at a time; says how many texts were cut or chunked.</summary>
    private static async Task<int> WriteNamedAsync(ITesseraEmbedder embedder, IReadOnlyList<string> texts, string output, CancellationToken cancellationToken)
    {
        var dimension = embedder.Descriptor.Dimension;
        var vectors = new float[texts.Count * dimension];
        var shortened = 0;
        for (var first = 0; first < texts.Count; first += GroupSize)
        {
            var group = texts.Skip(first).Take(GroupSize).ToList();
            var embeddings = await embedder.GenerateAsync(group, cancellationToken: cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < embeddings.Count; i++)
            {
                embeddings[i].Vector.Span.CopyTo(vectors.AsSpan((first + i) * dimension, dimension));
                if (embeddings[i].AdditionalProperties?.TryGetValue(EmbedderDescriptor.LengthHandlingProperty, out var handling) == true
                    && handling is string text && text != LengthHandling.Whole) shortened++;
            }
        }
        Npy.WriteFile(output, vectors, texts.Count, dimension);
        AnsiConsole.MarkupLineInterpolated(
            $"Wrote [green]{texts.Count} × {dimension}[/] embeddings to {output} ({embedder.Descriptor.Name}, sha256 {embedder.Descriptor.ModelHash}; {shortened} longer than the window: {embedder.Descriptor.TruncationPolicy}).");
        return ExitCodes.Success;
    }

    /// <summary>An image embedder over a folder's image files; an unreadable file stops the command and is named.</summary>
    private static async Task<int> WriteImagesAsync(ITesseraImageEmbedder embedder, IReadOnlyList<string> files, string output, CancellationToken cancellationToken)
    {
        var dimension = embedder.Descriptor.Dimension;
        var vectors = new float[files.Count * dimension];
        for (var i = 0; i < files.Count; i++)
        {
            var bytes = await File.ReadAllBytesAsync(files[i], cancellationToken).ConfigureAwait(false);
            GeneratedEmbeddings<Embedding<float>> embedding;
            try
            {
                embedding = await embedder.GenerateAsync([new DataContent(bytes, "application/octet-stream")], cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            catch (TesseraException e)
            {
                throw TesseraException.Validation($"{files[i]}: {e.Message}");
            }
            embedding[0].Vector.Span.CopyTo(vectors.AsSpan(i * dimension, dimension));
        }
        Npy.WriteFile(output, vectors, files.Count, dimension);
        AnsiConsole.MarkupLineInterpolated(
            $"Wrote [green]{files.Count} × {dimension}[/] embeddings to {output} ({embedder.Descriptor.Name}, sha256 {embedder.Descriptor.ModelHash}; rows in file-name order).");
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
