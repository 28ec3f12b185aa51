namespace Tessera.Inference.Featurizers;

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
        var charge = NetCharge(counts, 7.0);
        var values = new[]
        {
            Math.Log(length),
            charge,
            charge / length,
            hydrophobicity / length,
            Math.Sqrt(momentSin * momentSin + momentCos * momentCos) / length,
            -boman / length,
            100.0 * (Fraction("A") + 2.9 * Fraction("V") + 3.9 * (Fraction("I") + Fraction("L"))),
            IsoelectricPoint(counts),
            Fraction("FWY"),
            Fraction("KR"),
            Fraction("DE"),
            Fraction("C"),
            Fraction("GP"),
        };
        for (var i = 0; i < values.Length; i++) destination[i] = (values[i] - Definitions[i].Center) / Definitions[i].Scale;
    }

    /// <summary>Henderson–Hasselbalch net charge with free termini.</summary>
    private static double NetCharge(int[] counts, double ph)
    {
        static double Positive(double pka, double ph) => 1.0 / (1.0 + Math.Pow(10, ph - pka));
        static double Negative(double pka, double ph) => -1.0 / (1.0 + Math.Pow(10, pka - ph));
        int Count(char letter) => counts[PeptideScales.IndexOf(letter)];
        return Positive(PeptideScales.PkaNTerminus, ph)
            + Count('K') * Positive(PeptideScales.PkaLysine, ph)
            + Count('R') * Positive(PeptideScales.PkaArginine, ph)
            + Count('H') * Positive(PeptideScales.PkaHistidine, ph)
            + Negative(PeptideScales.PkaCTerminus, ph)
            + Count('D') * Negative(PeptideScales.PkaAspartate, ph)
            + Count('E') * Negative(PeptideScales.PkaGlutamate, ph)
            + Count('C') * Negative(PeptideScales.PkaCysteine, ph)
            + Count('Y') * Negative(PeptideScales.PkaTyrosine, ph);
    }

    /// <summary>The pH of zero net charge, by bisection (charge falls monotonically with pH).</summary>
    private static double IsoelectricPoint(int[] counts)
    {
        double low = 0, high = 14;
        for (var i = 0; i < 40; i++)
        {
            var middle = (low + high) / 2;
            if (NetCharge(counts, middle) > 0) low = middle;
            else high = middle;
        }
        return (low + high) / 2;
    }
}
