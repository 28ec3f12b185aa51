namespace Tessera.Omics.Chemistry;

/// <summary>
/// What a valid peptide is, for the parser and for every embedder: letters from the 20 standard amino acids plus the
/// extended letters X (any), B (D or N), Z (E or Q), U (selenocysteine) and O (pyrrolysine), at least one of them
/// standard (a sequence of ambiguity codes alone has no residue the classical descriptors can describe).
/// </summary>
internal static class PeptideResidues
{
    public const string Standard = "ACDEFGHIKLMNPQRSTVWY";
    public const string Extended = "XBZUO";

    private static readonly System.Buffers.SearchValues<char> StandardResidues = System.Buffers.SearchValues.Create(Standard + "acdefghiklmnpqrstvwy");

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

    /// <summary>Whether the sequence has at least one of the 20 standard amino acids, in either case.</summary>
    public static bool HasStandardResidue(string sequence)
    {
        ArgumentNullException.ThrowIfNull(sequence);
        return sequence.AsSpan().IndexOfAny(StandardResidues) >= 0;
    }

    public static bool IsAllowed(char residue) => Standard.Contains(residue, StringComparison.Ordinal) || Extended.Contains(residue, StringComparison.Ordinal);
}
