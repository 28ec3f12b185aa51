namespace Tessera.Omics.Parsing;

/// <summary>
/// The residues a peptide may contain: the 20 standard amino acids plus the extended letters
/// X (any), B (D or N), Z (E or Q), U (selenocysteine) and O (pyrrolysine). Anything else is rejected.
/// </summary>
public static class PeptideAlphabet
{
    public const string Standard = "ACDEFGHIKLMNPQRSTVWY";
    public const string Extended = "XBZUO";

    public static bool IsAllowed(char residue) => Standard.Contains(residue, StringComparison.Ordinal) || Extended.Contains(residue, StringComparison.Ordinal);
}
