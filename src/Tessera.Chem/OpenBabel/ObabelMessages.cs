namespace Tessera.Chem.OpenBabel;

/// <summary>What obabel said on stderr, made readable for a client.</summary>
internal static class ObabelMessages
{
    /// <summary>obabel's own words, without its banner lines and the "0 molecules converted" count.</summary>
    public static string Reason(string stderr)
    {
        ArgumentNullException.ThrowIfNull(stderr);
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(l => !l.StartsWith("===", StringComparison.Ordinal) && !l.EndsWith("converted", StringComparison.Ordinal) && !l.StartsWith("***", StringComparison.Ordinal));
        var reason = string.Join(" ", lines);
        return reason.Length == 0 ? "Open Babel could not read the record." : reason.Length > 500 ? reason[..500] : reason;
    }
}
