namespace Tessera.Omics.Chemistry;

/// <summary>Published per-residue tables the peptide descriptors use, in <see cref="AminoAcids"/> order.</summary>
internal static class PeptideScales
{
    /// <summary>The 20 standard amino acids; the order of every table below.</summary>
    public const string AminoAcids = "ACDEFGHIKLMNPQRSTVWY";

    /// <summary>UniProtKB/Swiss-Prot residue frequencies (%): the composition a random protein would have.</summary>
    public static readonly double[] BackgroundPercent =
        [8.25, 1.37, 5.45, 6.75, 3.86, 7.07, 2.27, 5.96, 5.84, 9.66, 2.42, 4.06, 4.70, 3.93, 5.53, 6.56, 5.34, 6.87, 1.08, 2.92];

    /// <summary>Eisenberg et al. (1984) consensus hydrophobicity.</summary>
    public static readonly double[] EisenbergHydrophobicity =
        [0.62, 0.29, -0.90, -0.74, 1.19, 0.48, -0.40, 1.38, -1.50, 1.06, 0.64, -0.78, 0.12, -0.85, -2.53, -0.18, -0.05, 1.08, 0.81, 0.26];

    /// <summary>Boman (2003) solubility scale (kcal/mol); the Boman index is minus its mean.</summary>
    public static readonly double[] BomanSolubility =
        [1.81, 1.28, -8.72, -6.81, 2.98, 0.94, -4.66, 4.92, -5.55, 4.92, 2.35, -6.64, 0.0, -5.54, -14.92, -3.40, -2.57, 4.04, 2.33, -0.14];

    /// <summary>
    /// Seven classes by dipole and side-chain volume (Shen et al. 2007, conjoint triad):
    /// {A,G,V} {I,L,F,P} {Y,M,T,S} {H,N,Q,W} {R,K} {D,E} {C}, as a class index per amino acid.
    /// </summary>
    public static readonly int[] ReducedClass =
        [0, 6, 5, 5, 1, 0, 3, 1, 4, 1, 2, 3, 1, 3, 4, 2, 2, 0, 3, 2];

    public const int ReducedClassCount = 7;

    /// <summary>Residues per turn of an α-helix: 100° between neighbours, for the hydrophobic moment.</summary>
    public const double HelixAngleDegrees = 100.0;

    public static int IndexOf(char residue) => AminoAcids.IndexOf(char.ToUpperInvariant(residue), StringComparison.Ordinal);
}
