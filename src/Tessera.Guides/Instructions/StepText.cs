namespace Tessera.Guides.Instructions;

/// <summary>
/// What text a step (or a name shown in exports) may hold: no control characters other than line breaks and tabs —
/// the same rule for a save and for what a writer wrote, so a drafted step never makes the next save fail.
/// </summary>
internal static class StepText
{
    public static bool IsRefused(char c) => char.IsControl(c) && c is not ('\n' or '\r' or '\t');

    public static bool HoldsRefused(string text) => text.Any(IsRefused);

    /// <summary>The text without refused characters, trimmed, and cut at a word boundary to <paramref name="maxLength"/>.</summary>
    public static string Clean(string text, int maxLength, out bool cut)
    {
        var clean = (HoldsRefused(text) ? new string([.. text.Where(c => !IsRefused(c))]) : text).Trim();
        cut = clean.Length > maxLength;
        if (!cut) return clean;
        var end = clean.LastIndexOf(' ', maxLength - 1);
        if (end < maxLength / 2) end = char.IsHighSurrogate(clean[maxLength - 1]) ? maxLength - 1 : maxLength;
        return clean[..end].TrimEnd();
    }
}
