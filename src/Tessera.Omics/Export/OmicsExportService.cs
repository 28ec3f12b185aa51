using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Tessera.Core.Errors;
using Tessera.Core.Identity;
using Tessera.Data;
using Tessera.Omics.Analysis;
using Tessera.Omics.Storage;

namespace Tessera.Omics.Export;

/// <summary>Exports a run the caller owns, once it has embeddings, as OmicsToken v1 JSON, CSV or NPY, streamed.</summary>
internal sealed class OmicsExportService(TesseraDatabase database, TimeProvider time)
{
    public static readonly IReadOnlyList<string> Formats = ["json", "csv", "npy"];

    public const string RunFailedCode = OmicsErrorCodes.RunFailed;

    /// <summary>The caller's run, checked to be exportable: 404 for missing or foreign runs, 409 before embedding or after a failure (with its reason).</summary>
    public async Task<OmicsRun> GetExportableRunAsync(Principal owner, Guid runId, string format, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(owner);
        owner.Require(Permissions.ExportsRead);
        if (!Formats.Contains(format)) throw TesseraException.Validation($"Unknown export format '{format}': use {string.Join(", ", Formats)}.");
        await using var c = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var run = await OmicsRepository.FindOwnedRunAsync(c, owner, runId, cancellationToken).ConfigureAwait(false)
            ?? throw TesseraException.NotFound("run");
        if (run.State == OmicsRunStates.Failed)
            throw TesseraException.Conflict(RunFailedCode, $"Run {runId} failed and has nothing to export: {run.Failure}");
        if (run.State != OmicsRunStates.Embedded || run.Embedder is null)
            throw TesseraException.Conflict(OmicsRunData.NotEmbeddedCode, $"Run {runId} has no embeddings yet (state '{run.State}'); it can be exported once its embedding job has finished.");
        return run;
    }

    public static string ContentType(string format) => format switch
    {
        "csv" => "text/csv",
        "npy" => "application/octet-stream",
        _ => "application/json",
    };

    public async Task WriteAsync(OmicsRun run, string format, Stream output, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(run);
        var embedder = new EmbedderIdentity(run.Embedder!, run.EmbedderDimension!.Value, run.ModelHash!, run.Pooling ?? "mean", run.TruncationPolicy ?? "none");
        await using var c = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var rows = Rows(OmicsRepository.StreamExportRowsAsync(c, run.Id, cancellationToken), cancellationToken);
        switch (format)
        {
            case "csv":
                await OmicsTokenWriter.WriteCsvAsync(output, embedder.Dimension, rows, cancellationToken).ConfigureAwait(false);
                break;
            case "npy":
                var count = run.RecordCount - run.ErrorCount;
                await OmicsTokenWriter.WriteNpyAsync(output, count, embedder.Dimension, rows, cancellationToken).ConfigureAwait(false);
                break;
            default:
                var header = new ExportHeader(run, embedder, embedder.Pooling, embedder.TruncationPolicy, time.GetUtcNow());
                await OmicsTokenWriter.WriteJsonAsync(output, header, rows, cancellationToken).ConfigureAwait(false);
                break;
        }
    }

    private static async IAsyncEnumerable<ExportPeptide> Rows(IAsyncEnumerable<ExportRow> rows, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var r in rows.WithCancellation(cancellationToken).ConfigureAwait(false))
            yield return new ExportPeptide(r.RecordId, r, MemoryMarshal.Cast<byte, float>(r.Vector).ToArray());
    }
}
