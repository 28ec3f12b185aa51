namespace Tessera.Omics.Export;

/// <summary>
/// One text cell of a CSV file. A cell a spreadsheet would read as a formula (starting with =, +, -, @, tab or CR)
/// gets a leading single quote, as OWASP recommends against CSV injection; then a cell holding a comma, quote or line
/// break is quoted. Numbers the exports write are numbers and are left as they are.
/// </summary>
internal static class CsvCell
{
    private static readonly System.Buffers.SearchValues<char> NeedsQuotes = System.Buffers.SearchValues.Create(",\"\n\r");

    public static string Text(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r') value = "'" + value;
        return value.AsSpan().IndexOfAny(NeedsQuotes) >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }
}
