using System.Globalization;
using System.Text;

namespace Tessera.Inference.Tokenizers;

/// <summary>
/// The "basic" step of the uncased BERT tokenizer (Hugging Face <c>BasicTokenizer</c>): drops control characters,
/// isolates CJK ideographs, lower-cases and strips accents, splits on whitespace and around every punctuation mark.
/// </summary>
internal static class BertPreTokenizer
{
    public static List<string> Split(string text)
    {
        var words = new List<string>();
        var current = new StringBuilder();
        foreach (var rune in text.EnumerateRunes())
        {
            if (rune.Value == 0 || rune.Value == 0xFFFD || IsControl(rune)) continue;
            if (IsWhitespace(rune))
            {
                Flush(current, words);
                continue;
            }
            if (IsCjk(rune.Value))
            {
                Flush(current, words);
                words.Add(rune.ToString());
                continue;
            }
            var start = current.Length;
            UncasedFolding.AppendFolded(current, rune);
            // Folding can yield several characters (a decomposed syllable); punctuation splits each one.
            if (current.Length > start) SplitPunctuation(current, start, words);
        }
        Flush(current, words);
        return words;
    }

    private static void SplitPunctuation(StringBuilder current, int start, List<string> words)
    {
        var appended = current.ToString(start, current.Length - start);
        if (!appended.EnumerateRunes().Any(IsPunctuation)) return;
        current.Length = start;
        foreach (var rune in appended.EnumerateRunes())
        {
            if (IsPunctuation(rune))
            {
                Flush(current, words);
                words.Add(rune.ToString());
            }
            else
            {
                current.Append(rune.ToString());
            }
        }
    }

    private static void Flush(StringBuilder current, List<string> words)
    {
        if (current.Length == 0) return;
        words.Add(current.ToString());
        current.Clear();
    }

    private static bool IsWhitespace(Rune rune) =>
        rune.Value is ' ' or '\t' or '\n' or '\r' || Rune.GetUnicodeCategory(rune) == UnicodeCategory.SpaceSeparator;

    private static bool IsControl(Rune rune) =>
        rune.Value is not ('\t' or '\n' or '\r')
        && Rune.GetUnicodeCategory(rune) is UnicodeCategory.Control or UnicodeCategory.Format;

    // BERT counts every non-alphanumeric ASCII character as punctuation ($, ^, `, ...), not only Unicode's P*.
    private static bool IsPunctuation(Rune rune) =>
        rune.Value is >= 33 and <= 47 or >= 58 and <= 64 or >= 91 and <= 96 or >= 123 and <= 126
        || Rune.GetUnicodeCategory(rune) is UnicodeCategory.ConnectorPunctuation or UnicodeCategory.DashPunctuation
            or UnicodeCategory.OpenPunctuation or UnicodeCategory.ClosePunctuation or UnicodeCategory.InitialQuotePunctuation
            or UnicodeCategory.FinalQuotePunctuation or UnicodeCategory.OtherPunctuation;

    // The CJK Unified Ideographs blocks BERT isolates (not Hangul, Hiragana or Katakana).
    private static bool IsCjk(int cp) =>
        cp is >= 0x4E00 and <= 0x9FFF or >= 0x3400 and <= 0x4DBF or >= 0x20000 and <= 0x2A6DF or >= 0x2A700 and <= 0x2B73F
            or >= 0x2B740 and <= 0x2B81F or >= 0x2B820 and <= 0x2CEAF or >= 0xF900 and <= 0xFAFF or >= 0x2F800 and <= 0x2FA1F;
}
