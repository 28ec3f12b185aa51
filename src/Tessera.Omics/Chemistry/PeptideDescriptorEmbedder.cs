using System.Globalization;
using System.Text;
using Microsoft.Extensions.AI;
using Tessera.Core.Errors;
using Tessera.Core.Hashing;
using Tessera.Inference.Embeddings;

namespace Tessera.Omics.Chemistry;

/// <summary>
/// The classical peptide embedder, used when no model weights are configured. Deterministic and
/// weight-free; three blocks, each L2-normalised and weighted, then the whole vector L2-normalised:
/// <list type="number">
/// <item>amino-acid composition minus the UniProt background (20);</item>
/// <item>reduced dipeptide composition over 7 physico-chemical classes, minus the background
/// expectation (49);</item>
/// <item>standardised physico-chemical properties: length, charge, hydrophobicity, hydrophobic
/// moment, Boman and aliphatic indices, pI, residue-class fractions (13).</item>
/// </list>
/// Letters are upper-cased; characters other than the 20 standard amino acids (X, B, *, gaps,
/// whitespace) are skipped; a peptide needs at least one standard residue (<see cref="PeptideResidues.HasStandardResidue"/>,
/// the rule the Omics parser applies too). The model hash is the sha256 of the full definition (name, version,
/// tables and weights), so a change to any constant changes the hash.
/// </summary>
public sealed class PeptideDescriptorEmbedder : ITesseraEmbedder
{
    public const string ModelName = "tessera-peptide-descriptors-v1";

    private const double CompositionWeight = 1.0;
    private const double DipeptideWeight = 0.6;
    private const double PropertyWeight = 1.0;
    private const int Classes = PeptideScales.ReducedClassCount;

    private static readonly int DimensionValue = 20 + Classes * Classes + PeptideProperties.Definitions.Length;
    private static readonly string DefinitionHash = Sha256Hex.Of(Definition());

    private readonly TimeProvider _time;

    public PeptideDescriptorEmbedder(TimeProvider? time = null)
    {
        _time = time ?? TimeProvider.System;
        Descriptor = new EmbedderDescriptor(ModelName, DimensionValue, DefinitionHash, EmbeddingPooling.WholeSequence, "none (any length)")
        {
            Modality = EmbeddingModality.ProteinSequence,
            Origin = EmbedderOrigin.Classical,
        };
    }

    public EmbedderDescriptor Descriptor { get; }

    /// <summary>The unit-length descriptor vector of one peptide.</summary>
    public static float[] Embed(string sequence)
    {
        ArgumentNullException.ThrowIfNull(sequence);
        if (!PeptideResidues.HasStandardResidue(sequence)) throw TesseraException.Validation($"Peptide '{Shorten(sequence)}' has none of the 20 standard amino acids.");
        var residues = new List<int>(sequence.Length);
        foreach (var c in sequence)
        {
            var index = PeptideScales.IndexOf(c);
            if (index >= 0) residues.Add(index);
        }
        var features = new double[DimensionValue];
        var composition = features.AsSpan(0, 20);
        var dipeptides = features.AsSpan(20, Classes * Classes);
        var properties = features.AsSpan(20 + Classes * Classes);

        foreach (var r in residues) composition[r] += 1.0 / residues.Count;
        for (var i = 0; i < 20; i++) composition[i] -= PeptideScales.BackgroundPercent[i] / 100.0;

        var classBackground = ClassBackground();
        var pairs = residues.Count - 1;
        for (var i = 0; i < pairs; i++)
        {
            dipeptides[PeptideScales.ReducedClass[residues[i]] * Classes + PeptideScales.ReducedClass[residues[i + 1]]] += 1.0 / pairs;
        }
        for (var a = 0; a < Classes; a++)
        {
            for (var b = 0; b < Classes; b++) dipeptides[a * Classes + b] -= classBackground[a] * classBackground[b];
        }
        PeptideProperties.Compute(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(residues), properties);

        ScaleToNorm(composition, CompositionWeight);
        ScaleToNorm(dipeptides, DipeptideWeight);
        ScaleToNorm(properties, PropertyWeight);
        ScaleToNorm(features, 1.0);
        return features.Select(v => (float)v).ToArray();
    }

    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        var vectors = new List<float[]>();
        foreach (var value in values)
        {
            cancellationToken.ThrowIfCancellationRequested();
            vectors.Add(Embed(value));
        }
        return Task.FromResult(EmbeddingResults.From(vectors, Descriptor, _time));
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => EmbeddingResults.Service(this, serviceType, serviceKey);

    /// <summary>Stateless: nothing to release.</summary>
    public void Dispose()
    {
    }

    private static double[] ClassBackground()
    {
        var background = new double[Classes];
        for (var i = 0; i < 20; i++) background[PeptideScales.ReducedClass[i]] += PeptideScales.BackgroundPercent[i] / 100.0;
        return background;
    }

    /// <summary>Scales a block to the given L2 norm; an all-zero block stays zero.</summary>
    private static void ScaleToNorm(Span<double> block, double norm)
    {
        var sum = 0.0;
        foreach (var v in block) sum += v * v;
        if (sum == 0) return;
        var factor = norm / Math.Sqrt(sum);
        for (var i = 0; i < block.Length; i++) block[i] *= factor;
    }

    /// <summary>Every constant that shapes the vectors, in a fixed text form: the input of the model hash.</summary>
    private static string Definition()
    {
        var text = new StringBuilder();
        var culture = CultureInfo.InvariantCulture;
        text.Append(culture, $"{ModelName}\naa={PeptideScales.AminoAcids}\n");
        text.Append("background=").AppendJoin(',', PeptideScales.BackgroundPercent.Select(v => v.ToString("R", culture))).Append('\n');
        text.Append("eisenberg=").AppendJoin(',', PeptideScales.EisenbergHydrophobicity.Select(v => v.ToString("R", culture))).Append('\n');
        text.Append("boman=").AppendJoin(',', PeptideScales.BomanSolubility.Select(v => v.ToString("R", culture))).Append('\n');
        text.Append("classes=").AppendJoin(',', PeptideScales.ReducedClass).Append('\n');
        // Charge and pI come from Charge (EMBOSS pKa set, pI by bisection to 1e-4, rounded to 3 decimals).
        text.Append(culture, $"pka={ResidueTables.PkaNTerminus},{ResidueTables.PkaCTerminus}");
        foreach (var residue in "KRHDECYU") text.Append(culture, $",{residue}:{ResidueTables.PositivePka(residue) ?? ResidueTables.NegativePka(residue)}");
        text.Append(";pi=bisection-1e-4-round3\n");
        text.Append(culture, $"helix_angle={PeptideScales.HelixAngleDegrees}\n");
        foreach (var (name, center, scale) in PeptideProperties.Definitions) text.Append(culture, $"property={name},{center},{scale}\n");
        text.Append(culture, $"weights={CompositionWeight},{DipeptideWeight},{PropertyWeight}\n");
        return text.ToString();
    }

    private static string Shorten(string sequence) => sequence.Length <= 30 ? sequence : sequence[..30] + "…";
}
