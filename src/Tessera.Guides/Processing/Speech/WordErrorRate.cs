using System.Text.RegularExpressions;

namespace Tessera.Guides.Processing.Speech;

/// <summary>
/// Word error rate: the word-level edit distance (substitutions, deletions, insertions) from a reference text to a
/// hypothesis, over the reference's word count. Both are compared as lower-case letters, digits and apostrophes.
/// </summary>
internal static partial class WordErrorRate
{
    public static double Of(string reference, string hypothesis)
    {
        var expected = Words(reference);
        var heard = Words(hypothesis);
        if (expected.Count == 0) return heard.Count == 0 ? 0 : 1;
        var previous = Enumerable.Range(0, heard.Count + 1).ToArray();
        var current = new int[heard.Count + 1];
        for (var i = 1; i <= expected.Count; i++)
        {
            current[0] = i;
            for (var j = 1; j <= heard.Count; j++)
                current[j] = Math.Min(Math.Min(previous[j] + 1, current[j - 1] + 1), previous[j - 1] + (expected[i - 1] == heard[j - 1] ? 0 : 1));
            (previous, current) = (current, previous);
        }
        return (double)previous[heard.Count] / expected.Count;
    }

    public static List<string> Words(string text) => [.. WordPattern().Matches(text.ToLowerInvariant()).Select(m => m.Value)];

    [GeneratedRegex(@"[\p{L}\p{N}']+")]
    private static partial Regex WordPattern();
}
