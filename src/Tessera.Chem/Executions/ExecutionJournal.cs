using System.Data.Common;
using System.Globalization;
using System.Text.Json.Nodes;
using System.Text;
using Tessera.Chem.Docking;
using Tessera.Chem.Storage;
using Tessera.Data;
using Tessera.Platform.Blobs;
using Tessera.Platform.Tools;

namespace Tessera.Chem.Executions;

/// <summary>
/// Writes an execution's events (<c>chem_execution_events</c>, numbered in order) and keeps the output of each tool it
/// runs (stdout and stderr apart) as blobs in the blob store, listed in <c>chem_execution_logs</c>. A tool's output is
/// kept whether it succeeded or not: a failed run's words are what explain it.
/// </summary>
internal sealed class ExecutionJournal(TesseraDatabase database, UploadStaging staging, TimeProvider time)
{
    private const int MaxNumberingAttempts = 20;

    /// <summary>Appends an event inside the caller's transaction (the submission's).</summary>
    public Task AppendAsync(DbConnection c, DbTransaction t, Execution execution, string type, string message, JsonObject? data, CancellationToken cancellationToken) =>
        ExecutionEventRows.AppendAsync(c, t, Event(execution, type, message, data), cancellationToken);

    /// <summary>
    /// Appends an event on its own. Two writers can append to one execution at once (a job whose lease ran out and the
    /// worker that took it over, a cancel beside the run): on PostgreSQL both may number their event alike, and the
    /// later one, refused by the key, numbers it again.
    /// </summary>
    public async Task AppendAsync(Execution execution, string type, string message, JsonObject? data, CancellationToken cancellationToken)
    {
        var e = Event(execution, type, message, data);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var c = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
                await ExecutionEventRows.AppendAsync(c, null, e, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (DbException error) when (UniqueViolation.Is(error) && attempt < MaxNumberingAttempts)
            {
                // Another writer took that number first: the next attempt reads past it.
            }
        }
    }

    /// <summary>An observer that records each tool run of <paramref name="execution"/> as two events and its output as logs.</summary>
    public IToolObserver ToolsOf(Execution execution) => new ToolRecorder(this, execution);

    private ExecutionEvent Event(Execution execution, string type, string message, JsonObject? data) => new()
    {
        ExecutionId = execution.Id, OrgId = execution.OrgId, Type = type, Message = message, Data = data?.ToJsonString(), CreatedAt = time.GetUtcNow(),
    };

    private async Task KeepAsync(Execution execution, string step, string tool, string stream, string text, CancellationToken cancellationToken)
    {
        if (text.Length == 0) return;
        using var content = new MemoryStream(Encoding.UTF8.GetBytes(text));
        await using var file = await staging.StoreAsync(content, cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();
        var log = new ExecutionLog
        {
            Id = Guid.CreateVersion7(now), ExecutionId = execution.Id, OrgId = execution.OrgId, Step = step, Tool = tool, Stream = stream,
            BlobSha256 = file.Blob.Sha256, SizeBytes = file.Blob.Size, CreatedAt = now,
        };
        await using (var c = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
            await ExecutionEventRows.InsertLogAsync(c, log, cancellationToken).ConfigureAwait(false);
        file.Keep();
    }

    private sealed class ToolRecorder(ExecutionJournal journal, Execution execution) : IToolObserver
    {
        public Task StartedAsync(string step, string tool, CancellationToken cancellationToken) =>
            journal.AppendAsync(execution, ExecutionEventTypes.ToolStarted, $"{tool} started ({step})",
                new JsonObject { ["step"] = step, ["tool"] = tool }, cancellationToken);

        public async Task FinishedAsync(string step, string tool, ToolRunner.Outcome outcome, CancellationToken cancellationToken)
        {
            ArgumentNullException.ThrowIfNull(outcome);
            await journal.KeepAsync(execution, step, tool, "stdout", outcome.Stdout, cancellationToken).ConfigureAwait(false);
            await journal.KeepAsync(execution, step, tool, "stderr", outcome.Stderr, cancellationToken).ConfigureAwait(false);
            var seconds = Math.Round(outcome.Elapsed.TotalSeconds, 3);
            var how = outcome.TimedOut ? "timed out" : string.Create(CultureInfo.InvariantCulture, $"exited {outcome.ExitCode}");
            await journal.AppendAsync(execution, ExecutionEventTypes.ToolFinished, string.Create(CultureInfo.InvariantCulture, $"{tool} {how} after {seconds} s ({step})"),
                new JsonObject { ["step"] = step, ["tool"] = tool, ["exit_code"] = outcome.ExitCode, ["timed_out"] = outcome.TimedOut, ["seconds"] = seconds },
                cancellationToken).ConfigureAwait(false);
        }
    }
}
