namespace Tessera.Traces.Points;

/// <summary>
/// One text cell of the selection's CSV. A cell a spreadsheet would read as a formula (starting with =, +, -, @, tab
/// or CR) gets a leading single quote (OWASP's advice against CSV injection; log text often starts with "-" or "="),
/// then a cell holding a comma, quote or line break is quoted.
/// </summary>
internal static class SelectionCsvCell
{
    private static readonly System.Buffers.SearchValues<char> NeedsQuotes = System.Buffers.SearchValues.Create(",\"\n\r");

    public static string Text(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r') value = "'" + value;
        return value.AsSpan().IndexOfAny(NeedsQuotes) >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }
}
