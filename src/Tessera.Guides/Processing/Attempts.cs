using System.Text.Json.Nodes;
using Tessera.Core.Errors;
using Tessera.Jobs;

namespace Tessera.Guides.Processing;

/// <summary>
/// How the Guides job handlers end an attempt that threw. A 4xx <see cref="TesseraException"/> is the input's doing
/// and retrying cannot mend it: the record (guide job, export) fails at once with its code. Anything else (a 5xx: a
/// tool missing on this worker, a recognizer down, the database away) goes to the engine as transient, so it is
/// retried (an unclassified error the engine would fail at once, leaving the record open), and the last attempt's
/// failure fails the record too, so none stays open.
/// </summary>
internal static class Attempts
{
    public static async Task<JsonNode?> RunAsync(
        JobContext context, int maxAttempts, string lastAttemptCode, Func<string, string, Task> fail, Func<Task<JsonNode?>> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(fail);
        ArgumentNullException.ThrowIfNull(work);
        try
        {
            return await work().ConfigureAwait(false);
        }
        catch (TesseraException e) when (!cancellationToken.IsCancellationRequested && (e.Status < 500 || context.Attempt >= maxAttempts))
        {
            await RecordAsync(context, maxAttempts, () => fail(e.Code, e.Message)).ConfigureAwait(false);
            throw new PermanentJobException(e.Code, e.Message);
        }
        catch (Exception e) when (e is not (OperationCanceledException or JobLeaseLostException or PermanentJobException or TransientJobException) && !cancellationToken.IsCancellationRequested)
        {
            if (context.Attempt < maxAttempts) throw new TransientJobException(e.Message, e);
            await RecordAsync(context, maxAttempts, () => fail(lastAttemptCode, $"It failed on its last attempt: {e.Message}")).ConfigureAwait(false);
            throw new PermanentJobException(lastAttemptCode, e.Message);
        }
    }

    // Recording the failure can fail too (the database away): then the attempt is retried while attempts remain,
    // rather than ending the job with the record left open.
    private static async Task RecordAsync(JobContext context, int maxAttempts, Func<Task> fail)
    {
        try
        {
            await fail().ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException && context.Attempt < maxAttempts)
        {
            throw new TransientJobException($"Recording the failure failed: {e.Message}", e);
        }
    }
}
