using Tessera.Inference.Sequences;

namespace Tessera.Omics.Parsing;

/// <summary>
/// The peptide alphabet as the Omics parser and search apply it: <see cref="PeptideResidues"/>, the one definition the
/// embedders share, so a record the parser accepts is one every embedder can embed.
/// </summary>
public static class PeptideAlphabet
{
    public const string Standard = PeptideResidues.Standard;
    public const string Extended = PeptideResidues.Extended;

    public static string Clean(string raw) => PeptideResidues.Clean(raw);

    public static int FirstInvalid(string sequence) => PeptideResidues.FirstInvalid(sequence);

    public static bool HasStandardResidue(string sequence) => PeptideResidues.HasStandardResidue(sequence);
}
