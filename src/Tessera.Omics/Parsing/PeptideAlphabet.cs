namespace Tessera.Omics.Parsing;

/// <summary>
/// The residues a peptide may contain: the 20 standard amino acids plus the extended letters
/// X (any), B (D or N), Z (E or Q), U (selenocysteine) and O (pyrrolysine). Anything else is rejected.
/// </summary>
public static class PeptideAlphabet
{
    public const string Standard = "ACDEFGHIKLMNPQRSTVWY";
    public const string Extended = "XBZUO";

    /// <summary>The sequence with whitespace removed and letters upper-cased.</summary>
    public static string Clean(string raw)
    {
        ArgumentNullException.ThrowIfNull(raw);
        var builder = new System.Text.StringBuilder(raw.Length);
        foreach (var c in raw)
        {
            if (!char.IsWhiteSpace(c)) builder.Append(char.ToUpperInvariant(c));
        }
        return builder.ToString();
    }

    /// <summary>The zero-based position of the first residue outside the alphabet, or −1.</summary>
    public static int FirstInvalid(string sequence)
    {
        ArgumentNullException.ThrowIfNull(sequence);
        for (var i = 0; i < sequence.Length; i++)
        {
            if (!IsAllowed(sequence[i])) return i;
        }
        return -1;
    }

    public static bool IsAllowed(char residue) => Standard.Contains(residue, StringComparison.Ordinal) || Extended.Contains(residue, StringComparison.Ordinal);
}
