namespace Tessera.Omics.Chemistry;

/// <summary>
/// Global physico-chemical properties of a peptide, each standardised as (value − centre) / scale
/// with fixed constants typical of antimicrobial-peptide-sized sequences, so that no property
/// dominates the cosine geometry. The constants are part of the embedder's definition and hash.
/// </summary>
internal static class PeptideProperties
{
    /// <summary>(name, centre, scale) per property, in output order.</summary>
    public static readonly (string Name, double Center, double Scale)[] Definitions =
    [
        ("log_length", 3.2, 0.7),
        ("net_charge_ph7", 2.0, 3.0),
        ("charge_density", 0.05, 0.1),
        ("mean_hydrophobicity", 0.0, 0.4),
        ("hydrophobic_moment", 0.3, 0.15),
        ("boman_index", 1.5, 1.5),
        ("aliphatic_index", 80.0, 40.0),
        ("isoelectric_point", 8.0, 2.5),
        ("fraction_aromatic", 0.08, 0.07),
        ("fraction_cationic", 0.12, 0.1),
        ("fraction_anionic", 0.1, 0.08),
        ("fraction_cysteine", 0.03, 0.05),
        ("fraction_glycine_proline", 0.12, 0.08),
    ];

    /// <summary>Writes the standardised properties of <paramref name="residues"/> (indices into <see cref="PeptideScales.AminoAcids"/>).</summary>
    public static void Compute(ReadOnlySpan<int> residues, Span<double> destination)
    {
        var length = residues.Length;
        var counts = new int[20];
        foreach (var r in residues) counts[r]++;
        double Fraction(string letters)
        {
            var total = 0;
            foreach (var letter in letters) total += counts[PeptideScales.IndexOf(letter)];
            return (double)total / length;
        }
        var hydrophobicity = 0.0;
        var boman = 0.0;
        double momentSin = 0, momentCos = 0;
        for (var i = 0; i < length; i++)
        {
            var h = PeptideScales.EisenbergHydrophobicity[residues[i]];
            hydrophobicity += h;
            boman += PeptideScales.BomanSolubility[residues[i]];
            var angle = i * PeptideScales.HelixAngleDegrees * Math.PI / 180.0;
            momentSin += h * Math.Sin(angle);
            momentCos += h * Math.Cos(angle);
        }
        // Charge and pI are the Omics descriptors' own (Charge), so the two can never disagree for one peptide.
        var sequence = string.Concat(residues.ToArray().Select(r => PeptideScales.AminoAcids[r]));
        var charge = Charge.At(sequence, 7.0);
        var values = new[]
        {
            Math.Log(length),
            charge,
            charge / length,
            hydrophobicity / length,
            Math.Sqrt(momentSin * momentSin + momentCos * momentCos) / length,
            -boman / length,
            100.0 * (Fraction("A") + 2.9 * Fraction("V") + 3.9 * (Fraction("I") + Fraction("L"))),
            Charge.IsoelectricPoint(sequence),
            Fraction("FWY"),
            Fraction("KR"),
            Fraction("DE"),
            Fraction("C"),
            Fraction("GP"),
        };
        for (var i = 0; i < values.Length; i++) destination[i] = (values[i] - Definitions[i].Center) / Definitions[i].Scale;
    }
}
