using System.Text.Json;
using Tessera.Omics.Parsing;
using Tessera.Omics.Storage;

namespace Tessera.Omics.Web;

/// <summary>What the run pages read from a stored run.</summary>
internal static class RunView
{
    private static readonly JsonSerializerOptions ReportJson = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>The rejected records of the parse report, in file order (the report is stored as JSON with the run).</summary>
    public static IReadOnlyList<RecordError> RejectedRecords(OmicsRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return string.IsNullOrEmpty(run.ErrorReport) ? [] : JsonSerializer.Deserialize<List<RecordError>>(run.ErrorReport, ReportJson) ?? [];
    }

    /// <summary>The run pages refresh themselves until the embedding job has settled the run.</summary>
    public static bool IsSettled(OmicsRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return run.State is OmicsRunStates.Embedded or OmicsRunStates.Failed;
    }

    public static string Size(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => $"{bytes / 1024.0:0.#} KiB",
        _ => $"{bytes / (1024.0 * 1024):0.#} MiB",
    };
}
