namespace Tessera.Cards.Validation;

/// <summary>What a validation found: every cached image checked, the excluded ones each with its reason.</summary>
internal sealed record ValidationReport(long Checked, long Valid, IReadOnlyList<InvalidImage> Invalid, bool Fixed)
{
    public SortedDictionary<string, long> InvalidByReason =>
        new(Invalid.GroupBy(i => i.Reason).ToDictionary(g => g.Key, g => (long)g.Count()), StringComparer.Ordinal);
}

/// <param name="File">Relative to the organization's image folder.</param>
/// <param name="Url">Where it was downloaded from, when the download was recorded.</param>
/// <param name="Reason">One of <see cref="ImageCheck"/>'s reasons.</param>
internal sealed record InvalidImage(string File, string? Url, string Reason);
