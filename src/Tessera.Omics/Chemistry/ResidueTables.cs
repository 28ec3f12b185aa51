namespace Tessera.Omics.Chemistry;

/// <summary>Published per-residue constants the descriptors use. Indexed by residue letter.</summary>
internal static class ResidueTables
{
    /// <summary>
    /// Average masses of the free amino acids (Da, IUPAC atomic weights). A chain of n residues weighs their sum
    /// less n − 1 waters. B and Z average their two readings; X takes the customary 110 Da residue.
    /// </summary>
    public static double AminoAcidMass(char r) => r switch
    {
        'A' => 89.0932, 'R' => 174.2010, 'N' => 132.1179, 'D' => 133.1027, 'C' => 121.1582,
        'E' => 147.1293, 'Q' => 146.1445, 'G' => 75.0666, 'H' => 155.1546, 'I' => 131.1729,
        'L' => 131.1729, 'K' => 146.1876, 'M' => 149.2113, 'F' => 165.1891, 'P' => 115.1305,
        'S' => 105.0926, 'T' => 119.1192, 'W' => 204.2252, 'Y' => 181.1885, 'V' => 117.1463,
        'U' => 168.0532, 'O' => 255.3134, 'B' => 132.6103, 'Z' => 146.6369,
        _ => 110.0 + Water,
    };

    public const double Water = 18.01528;

    /// <summary>Kyte &amp; Doolittle (1982) hydropathy; extended letters count as 0 (unknown).</summary>
    public static double Hydropathy(char r) => r switch
    {
        'A' => 1.8, 'R' => -4.5, 'N' => -3.5, 'D' => -3.5, 'C' => 2.5, 'Q' => -3.5, 'E' => -3.5,
        'G' => -0.4, 'H' => -3.2, 'I' => 4.5, 'L' => 3.8, 'K' => -3.9, 'M' => 1.9, 'F' => 2.8,
        'P' => -1.6, 'S' => -0.8, 'T' => -0.7, 'W' => -0.9, 'Y' => -1.3, 'V' => 4.2,
        _ => 0,
    };

    /// <summary>EMBOSS pKa set: termini and ionisable side chains.</summary>
    public const double PkaNTerminus = 8.6;
    public const double PkaCTerminus = 3.6;

    public static double? PositivePka(char r) => r switch { 'K' => 10.8, 'R' => 12.5, 'H' => 6.5, _ => null };

    public static double? NegativePka(char r) => r switch { 'D' => 3.9, 'E' => 4.1, 'C' => 8.5, 'Y' => 10.1, 'U' => 5.2, _ => null };

    private const string Order = "ACDEFGHIKLMNPQRSTVWY";

    /// <summary>
    /// Guruprasad, Reddy &amp; Pandit (1990) dipeptide instability weights, DIWV[x][y] for the dipeptide xy,
    /// rows and columns in the order of <see cref="Order"/>.
    /// </summary>
    private static readonly double[,] Diwv =
    {
        //  A       C       D       E       F       G       H       I       K       L       M       N       P       Q       R       S       T       V       W       Y
        { 1.0, 44.94, -7.49, 1.0, 1.0, 1.0, -7.49, 1.0, 1.0, 1.0, 1.0, 1.0, 20.26, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0 }, // A
        { 1.0, 1.0, 20.26, 1.0, 1.0, 1.0, 33.60, 1.0, 1.0, 20.26, 33.60, 1.0, 20.26, -6.54, 1.0, 1.0, 33.60, -6.54, 24.68, 1.0 }, // C
        { 1.0, 1.0, 1.0, 1.0, -6.54, 1.0, 1.0, 1.0, -7.49, 1.0, 1.0, 1.0, 1.0, 1.0, -6.54, 20.26, -14.03, 1.0, 1.0, 1.0 }, // D
        { 1.0, 44.94, 20.26, 33.60, 1.0, 1.0, -6.54, 20.26, 1.0, 1.0, 1.0, 1.0, 20.26, 20.26, 1.0, 20.26, 1.0, 1.0, -14.03, 1.0 }, // E
        { 1.0, 1.0, 13.34, 1.0, 1.0, 1.0, 1.0, 1.0, -14.03, 1.0, 1.0, 1.0, 20.26, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 33.601 }, // F
        { -7.49, 1.0, 1.0, -6.54, 1.0, 13.34, 1.0, -7.49, -7.49, 1.0, 1.0, -7.49, 1.0, 1.0, 1.0, 1.0, -7.49, 1.0, 13.34, -7.49 }, // G
        { 1.0, 1.0, 1.0, 1.0, -9.37, -9.37, 1.0, 44.94, 24.68, 1.0, 1.0, 24.68, -1.88, 1.0, 1.0, 1.0, -6.54, 1.0, -1.88, 44.94 }, // H
        { 1.0, 1.0, 1.0, 44.94, 1.0, 1.0, 13.34, 1.0, -7.49, 20.26, 1.0, 1.0, -1.88, 1.0, 1.0, 1.0, 1.0, -7.49, 1.0, 1.0 }, // I
        { 1.0, 1.0, 1.0, 1.0, 1.0, -7.49, 1.0, -7.49, 1.0, -7.49, 33.60, 1.0, -6.54, 24.64, 33.60, 1.0, 1.0, -7.49, 1.0, 1.0 }, // K
        { 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, -7.49, 1.0, 1.0, 1.0, 20.26, 33.60, 20.26, 1.0, 1.0, 1.0, 24.68, 1.0 }, // L
        { 13.34, 1.0, 1.0, 1.0, 1.0, 1.0, 58.28, 1.0, 1.0, 1.0, -1.88, 1.0, 44.94, -6.54, -6.54, 44.94, -1.88, 1.0, 1.0, 24.68 }, // M
        { 1.0, -1.88, 1.0, 1.0, -14.03, -14.03, 1.0, 44.94, 24.68, 1.0, 1.0, 1.0, -1.88, -6.54, 1.0, 1.0, -7.49, 1.0, -9.37, 1.0 }, // N
        { 20.26, -6.54, -6.54, 18.38, 20.26, 1.0, 1.0, 1.0, 1.0, 1.0, -6.54, 1.0, 20.26, 20.26, -6.54, 20.26, 1.0, 20.26, -1.88, 1.0 }, // P
        { 1.0, -6.54, 20.26, 20.26, -6.54, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 20.26, 20.26, 1.0, 44.94, 1.0, -6.54, 1.0, -6.54 }, // Q
        { 1.0, 1.0, 1.0, 1.0, 1.0, -7.49, 20.26, 1.0, 1.0, 1.0, 1.0, 13.34, 20.26, 20.26, 58.28, 44.94, 1.0, 1.0, 58.28, -6.54 }, // R
        { 1.0, 33.60, 1.0, 20.26, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 44.94, 20.26, 20.26, 20.26, 1.0, 1.0, 1.0, 1.0 }, // S
        { 1.0, 1.0, 1.0, 20.26, 13.34, -7.49, 1.0, 1.0, 1.0, 1.0, 1.0, -14.03, 1.0, -6.54, 1.0, 1.0, 1.0, 1.0, -14.03, 1.0 }, // T
        { 1.0, 1.0, -14.03, 1.0, 1.0, -7.49, 1.0, 1.0, -1.88, 1.0, 1.0, 1.0, 20.26, 1.0, 1.0, 1.0, -7.49, 1.0, 1.0, -6.54 }, // V
        { -14.03, 1.0, 1.0, 1.0, 1.0, -9.37, 24.68, 1.0, 1.0, 13.34, 24.68, 13.34, 1.0, 1.0, 1.0, 1.0, -14.03, -7.49, 1.0, 1.0 }, // W
        { 24.68, 1.0, 24.68, -6.54, 1.0, -7.49, 13.34, 1.0, 1.0, 1.0, 44.94, 1.0, 13.34, 1.0, -15.91, 1.0, -7.49, 1.0, -9.37, 13.34 }, // Y
    };

    /// <summary>The instability weight of the dipeptide xy; dipeptides with an extended letter weigh 0.</summary>
    public static double Instability(char x, char y)
    {
        var i = Order.IndexOf(x, StringComparison.Ordinal);
        var j = Order.IndexOf(y, StringComparison.Ordinal);
        return i < 0 || j < 0 ? 0 : Diwv[i, j];
    }
}
