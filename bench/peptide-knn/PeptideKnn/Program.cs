using System.Globalization;
using Tessera.Inference.Bench;
using Tessera.Inference.Embeddings;
using Tessera.Omics.Chemistry;
using Tessera.Inference.Sequences;

// k-NN AMP / non-AMP quality of the classical peptide embedder (see ../run.sh):
//   PeptideKnn PEPTIDES_DIR [k] [folds] [seed]
// PEPTIDES_DIR holds one folder per dataset with seqs.fasta and classes.txt (one 0/1 label per record).
var culture = CultureInfo.InvariantCulture;
var root = args.Length > 0 ? args[0] : "../shared/fixtures/peptides";
var neighbours = args.Length > 1 ? int.Parse(args[1], culture) : 7;
var folds = args.Length > 2 ? int.Parse(args[2], culture) : 5;
var seed = args.Length > 3 ? int.Parse(args[3], culture) : 42;
var embedders = new (ITesseraEmbedder Embedder, Func<string, float[]> Embed)[]
{
    (new PeptideDescriptorEmbedder(), PeptideDescriptorEmbedder.Embed),
    (new PeptideDescriptorEmbedderV2(), PeptideDescriptorEmbedderV2.Embed),
};
foreach (var (embedder, _) in embedders) Console.WriteLine($"embedder {embedder.Descriptor.Name} dim={embedder.Descriptor.Dimension} hash={embedder.Descriptor.ModelHash}");
Console.WriteLine($"cosine k-NN, k={neighbours}, stratified {folds}-fold CV, seed {seed}; mean ± sd over folds");
Console.WriteLine("| dataset | embedder | peptides | AMP | accuracy | ROC AUC | majority-class accuracy |");
Console.WriteLine("|---|---|---|---|---|---|---|");
foreach (var directory in Directory.GetDirectories(root).Order(StringComparer.Ordinal))
{
    var records = FastaReader.ReadFile(Path.Combine(directory, "seqs.fasta"));
    var labels = File.ReadAllLines(Path.Combine(directory, "classes.txt")).Where(l => l.Trim().Length > 0).Select(l => int.Parse(l.Trim(), culture)).ToArray();
    if (labels.Length != records.Count) throw new InvalidDataException($"{directory}: {records.Count} sequences but {labels.Length} labels.");
    var positives = labels.Count(l => l == 1);
    var majority = Math.Max(positives, labels.Length - positives) / (double)labels.Length;
    foreach (var (embedder, embed) in embedders)
    {
        var vectors = records.Select(r => embed(r.Sequence)).ToArray();
        var result = KnnCrossValidation.Run(vectors, labels, neighbours, folds, seed);
        Console.WriteLine(string.Create(culture,
            $"| {Path.GetFileName(directory)} | {embedder.Descriptor.Name} | {labels.Length} | {positives} | {result.Accuracy:F3} ± {result.AccuracyStd:F3} | {result.RocAuc:F3} ± {result.RocAucStd:F3} | {majority:F3} |"));
    }
}
