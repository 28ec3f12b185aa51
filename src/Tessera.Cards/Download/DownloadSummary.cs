using System.Globalization;

namespace Tessera.Cards.Download;

/// <summary>A run's report in words, for the console and for a failed job's message.</summary>
internal static class DownloadSummary
{
    public static string Reasons(DownloadReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return report.FailedByReason.Count == 0 ? "none" : string.Join(", ", report.FailedByReason.Select(r => $"{r.Key}: {r.Value}"));
    }

    public static string Line(DownloadReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var failures = report.Failed > 0 ? $"; failures: {Reasons(report)}" : "";
        return string.Create(CultureInfo.InvariantCulture,
            $"{report.Downloaded} downloaded, {report.Skipped} skipped ({report.Unchanged} unchanged), {report.Failed} failed of {report.Total} in {report.ElapsedSeconds:0.0} s ({report.ImagesPerSecond:0.0} images/s, {report.BytesPerSecond / 1e6:0.00} MB/s){failures}");
    }
}
