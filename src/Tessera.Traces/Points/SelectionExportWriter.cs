using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Tessera.Traces.Points;

/// <summary>Writes the records selected on the map as CSV (one header line, cells escaped) or JSONL (one record JSON per line).</summary>
internal static class SelectionExportWriter
{
    public static readonly IReadOnlyList<string> Formats = ["csv", "jsonl"];

    private static readonly JsonSerializerOptions RecordJson = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private static readonly string[] CsvColumns =
        ["id", "seq", "source_id", "source_name", "file_path", "line", "iteration", "idx_in_iteration", "type", "timestamp", "text"];

    public static string ContentType(string format) => format == "csv" ? "text/csv; charset=utf-8" : "application/x-ndjson";

    public static async Task WriteAsync(IReadOnlyList<TracesRecordView> records, string format, Stream output, CancellationToken ct)
    {
        var writer = new StreamWriter(output, new UTF8Encoding(false), 64 * 1024, leaveOpen: true) { NewLine = "\n" };
        await using (writer.ConfigureAwait(false))
        {
            if (format == "csv") await writer.WriteLineAsync(string.Join(',', CsvColumns).AsMemory(), ct).ConfigureAwait(false);
            foreach (var r in records)
            {
                var line = format == "csv" ? CsvLine(r) : JsonSerializer.Serialize(r, RecordJson);
                await writer.WriteLineAsync(line.AsMemory(), ct).ConfigureAwait(false);
            }
        }
    }

    private static string CsvLine(TracesRecordView r) => string.Join(',',
        SelectionCsvCell.Text(r.Id), r.Seq.ToString(CultureInfo.InvariantCulture), r.SourceId.ToString(), SelectionCsvCell.Text(r.SourceName),
        SelectionCsvCell.Text(r.FilePath), r.Line.ToString(CultureInfo.InvariantCulture), r.Iteration.ToString(CultureInfo.InvariantCulture),
        r.IdxInIteration.ToString(CultureInfo.InvariantCulture), SelectionCsvCell.Text(r.Type),
        r.Timestamp?.ToString("O", CultureInfo.InvariantCulture) ?? "", SelectionCsvCell.Text(r.Text));
}
