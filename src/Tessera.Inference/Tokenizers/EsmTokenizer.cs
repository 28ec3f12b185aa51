using Tessera.Core.Errors;

namespace Tessera.Inference.Tokenizers;

/// <summary>
/// Turns a protein sequence into ESM token ids: <c>&lt;cls&gt;</c>, one id per residue, <c>&lt;eos&gt;</c>.
/// The rules, matching fair-esm and the HF <c>EsmTokenizer</c> on the fixture's edge cases:
/// <list type="bullet">
/// <item>whitespace (spaces, tabs, line breaks) is dropped;</item>
/// <item>letters are upper-cased before lookup, so <c>mkv</c> equals <c>MKV</c>;</item>
/// <item>a special token written literally (<c>&lt;mask&gt;</c>, <c>&lt;unk&gt;</c>, …) is that one token;</item>
/// <item><c>-</c> (gap) and <c>.</c> are real vocabulary tokens (ids 30 and 29);</item>
/// <item>every other character outside the vocabulary, e.g. the stop <c>*</c>, becomes one <c>&lt;unk&gt;</c> each.</item>
/// </list>
/// </summary>
internal sealed class EsmTokenizer
{
    private readonly Dictionary<char, int> _residues = [];
    private readonly List<(string Text, int Id)> _specials = [];

    private EsmTokenizer(IReadOnlyList<string> vocabulary)
    {
        Vocabulary = vocabulary;
        for (var id = 0; id < vocabulary.Count; id++)
        {
            var token = vocabulary[id];
            if (token.Length == 1) _residues[token[0]] = id;
            else if (token.StartsWith('<') && token.EndsWith('>')) _specials.Add((token, id));
        }
        ClsId = RequireSpecial("<cls>");
        PadId = RequireSpecial("<pad>");
        EosId = RequireSpecial("<eos>");
        UnkId = RequireSpecial("<unk>");
        MaskId = RequireSpecial("<mask>");
    }

    public static EsmTokenizer Default { get; } = new(EsmAlphabet.Tokens);

    public IReadOnlyList<string> Vocabulary { get; }

    public int ClsId { get; }

    public int PadId { get; }

    public int EosId { get; }

    public int UnkId { get; }

    public int MaskId { get; }

    /// <summary>Reads a HF <c>vocab.txt</c> (one token per line, id = line number).</summary>
    public static EsmTokenizer FromVocabularyFile(string path)
    {
        var tokens = File.ReadAllLines(path).Select(line => line.Trim()).Where(line => line.Length > 0).ToArray();
        return new EsmTokenizer(tokens);
    }

    /// <summary>Residue tokens only (no BOS/EOS): the unit the length limits count.</summary>
    public List<int> EncodeResidues(ReadOnlySpan<char> sequence)
    {
        var ids = new List<int>(sequence.Length);
        var i = 0;
        while (i < sequence.Length)
        {
            var c = sequence[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
                continue;
            }
            if (c == '<' && TryMatchSpecial(sequence[i..], out var special, out var length))
            {
                ids.Add(special);
                i += length;
                continue;
            }
            ids.Add(_residues.TryGetValue(char.ToUpperInvariant(c), out var id) ? id : UnkId);
            i++;
        }
        return ids;
    }

    /// <summary>The full model input: <c>&lt;cls&gt;</c> residues <c>&lt;eos&gt;</c>.</summary>
    public int[] Encode(ReadOnlySpan<char> sequence)
    {
        var residues = EncodeResidues(sequence);
        var ids = new int[residues.Count + 2];
        ids[0] = ClsId;
        residues.CopyTo(ids, 1);
        ids[^1] = EosId;
        return ids;
    }

    private bool TryMatchSpecial(ReadOnlySpan<char> text, out int id, out int length)
    {
        foreach (var (token, tokenId) in _specials)
        {
            if (text.StartsWith(token, StringComparison.Ordinal))
            {
                id = tokenId;
                length = token.Length;
                return true;
            }
        }
        id = 0;
        length = 0;
        return false;
    }

    private int RequireSpecial(string token)
    {
        foreach (var (text, id) in _specials)
        {
            if (text == token) return id;
        }
        throw TesseraException.Validation($"The ESM vocabulary lacks the special token {token}.");
    }
}
