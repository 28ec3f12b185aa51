using Tessera.Omics.Chemistry;

namespace Tessera.Omics.Features;

/// <summary>Per-peptide descriptors, stored as typed columns.</summary>
internal sealed record PeptideFeatures(
    int Length,
    double MolecularWeight,
    double NetChargePh7,
    double IsoelectricPoint,
    double Gravy,
    double Aromaticity,
    double InstabilityIndex,
    IReadOnlyDictionary<char, double> Composition)
{
    /// <summary>Computes every descriptor of a cleaned, validated sequence.</summary>
    public static PeptideFeatures Of(string sequence)
    {
        ArgumentException.ThrowIfNullOrEmpty(sequence);
        var length = sequence.Length;
        double mass = -(length - 1) * ResidueTables.Water, hydropathy = 0, instability = 0;
        var aromatic = 0;
        var counts = new Dictionary<char, int>();
        for (var i = 0; i < length; i++)
        {
            var r = sequence[i];
            mass += ResidueTables.AminoAcidMass(r);
            hydropathy += ResidueTables.Hydropathy(r);
            if (r is 'F' or 'W' or 'Y') aromatic++;
            counts[r] = counts.GetValueOrDefault(r) + 1;
            if (i + 1 < length) instability += ResidueTables.Instability(r, sequence[i + 1]);
        }
        var composition = new SortedDictionary<char, double>();
        foreach (var letter in PeptideResidues.Standard + PeptideResidues.Extended)
        {
            if (counts.TryGetValue(letter, out var n) || PeptideResidues.Standard.Contains(letter, StringComparison.Ordinal))
                composition[letter] = (double)n / length;
        }
        return new PeptideFeatures(
            length,
            mass,
            Charge.At(sequence, 7.0),
            Charge.IsoelectricPoint(sequence),
            hydropathy / length,
            (double)aromatic / length,
            10.0 / length * instability,
            composition);
    }
}
