using System.Text;
using Tessera.Core.Errors;

namespace Tessera.Inference.Tokenizers;

/// <summary>
/// The uncased BERT WordPiece tokenizer over a <c>vocab.txt</c> (one token a line, the line number is the id):
/// <see cref="BertPreTokenizer"/> words, each split greedily into the longest vocabulary pieces, continuation pieces
/// prefixed <c>##</c>; a word that cannot be split, or is longer than 100 characters, becomes one <c>[UNK]</c>.
/// Immutable and thread-safe.
/// </summary>
public sealed class WordPieceTokenizer
{
    private const int MaxWordCharacters = 100;
    private readonly Dictionary<string, int> _ids;
    private readonly string[] _tokens;

    private WordPieceTokenizer(string[] tokens)
    {
        _tokens = tokens;
        _ids = new Dictionary<string, int>(tokens.Length, StringComparer.Ordinal);
        for (var i = 0; i < tokens.Length; i++) _ids.TryAdd(tokens[i], i);
        PadId = Special("[PAD]");
        UnknownId = Special("[UNK]");
        ClsId = Special("[CLS]");
        SepId = Special("[SEP]");
    }

    public int PadId { get; }

    public int UnknownId { get; }

    public int ClsId { get; }

    public int SepId { get; }

    public static WordPieceTokenizer FromVocabulary(byte[] vocabTxt)
    {
        ArgumentNullException.ThrowIfNull(vocabTxt);
        var text = Encoding.UTF8.GetString(vocabTxt);
        var lines = text.Split('\n');
        var count = lines.Length > 0 && lines[^1].Length == 0 ? lines.Length - 1 : lines.Length;
        return new WordPieceTokenizer(lines.Take(count).Select(l => l.TrimEnd('\r')).ToArray());
    }

    /// <summary>Word-piece ids of <paramref name="text"/>, without [CLS] and [SEP].</summary>
    public List<int> Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ids = new List<int>();
        foreach (var word in BertPreTokenizer.Split(text)) AppendWord(word, ids);
        return ids;
    }

    /// <summary>The vocabulary entry for an id (for tests and diagnostics).</summary>
    public string Token(int id) => _tokens[id];

    private void AppendWord(string word, List<int> ids)
    {
        if (word.EnumerateRunes().Count() > MaxWordCharacters)
        {
            ids.Add(UnknownId);
            return;
        }
        var firstPiece = ids.Count;
        var start = 0;
        while (start < word.Length)
        {
            var found = -1;
            var end = word.Length;
            for (; end > start; end--)
            {
                if (end < word.Length && char.IsLowSurrogate(word[end])) continue;
                var piece = start == 0 ? word[..end] : "##" + word[start..end];
                if (_ids.TryGetValue(piece, out found)) break;
            }
            if (end == start)
            {
                ids.RemoveRange(firstPiece, ids.Count - firstPiece);
                ids.Add(UnknownId);
                return;
            }
            ids.Add(found);
            start = end;
        }
    }

    private int Special(string token) =>
        _ids.TryGetValue(token, out var id) ? id : throw TesseraException.Validation($"The vocabulary has no {token} token.");
}
