using System.Data.Common;
using System.Text.Json.Nodes;
using Tessera.Chem.Storage;
using Tessera.Chem.Tasks;
using Tessera.Core.Errors;
using Tessera.Data;

namespace Tessera.Chem.Executions;

/// <summary>
/// Where execution results are written and read: each in its organization's own store (<see cref="OrganizationStores"/>),
/// named from the shared execution row by <see cref="Execution.ResultId"/>. A result is written first under an id of its
/// own, then named in one shared transaction (with whatever the runner records beside it, e.g. its artifacts) if no
/// earlier run of the job named one already; the losing copy is deleted and the standing result returned. A crash in
/// between leaves an unnamed row, never an execution naming a result that is not there.
/// </summary>
internal sealed class ExecutionResults(TesseraDatabase database, OrganizationStores stores, TimeProvider time)
{
    /// <summary>
    /// Records the result of a runner that stores no files: checked against the task version's output schema (a result
    /// that breaks it is the runner's bug, reported as <c>CHEM_RESULT_INVALID</c> rather than stored), then stored.
    /// </summary>
    public async Task<JsonObject> RecordAsync(Execution execution, JsonObject result, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(execution);
        ArgumentNullException.ThrowIfNull(result);
        TaskDefinition? found;
        Execution? current;
        await using (var c = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
        {
            found = await TaskRows.FindByIdAsync(c, execution.TaskId, cancellationToken).ConfigureAwait(false);
            current = await ExecutionRows.FindForJobAsync(c, execution.Id, cancellationToken).ConfigureAwait(false);
        }
        // A result already stands (an earlier run stored it): that one is the answer, whatever this run made.
        if (await ReadAsync(execution.OrgId, current?.ResultId, cancellationToken).ConfigureAwait(false) is { } standing) return (JsonObject)JsonNode.Parse(standing)!;
        var task = found ?? throw new TesseraException(ChemErrorCodes.ExecutionInputMissing, 422, $"Task version {execution.TaskName} v{execution.TaskVersion} does not exist.");
        var errors = TaskSchemas.Validate(task.OutputSchema, result);
        if (errors.Count > 0)
            throw new TesseraException(ChemErrorCodes.ResultInvalid, 500,
                $"The result of {task.Name} v{task.Version} does not match its output schema: " + string.Join("; ", errors.Select(e => $"{e.InstancePath} {e.Message}")));
        return (await StoreAsync(execution, result, null, cancellationToken).ConfigureAwait(false)).Result;
    }

    /// <summary>
    /// Stores the result once: true with <paramref name="result"/> when this run's stands (and <paramref name="alongside"/>
    /// was committed in the same shared transaction), false with the standing result when an earlier run's does.
    /// </summary>
    public async Task<(bool Stored, JsonObject Result)> StoreAsync(
        Execution execution, JsonObject result, Func<DbConnection, DbTransaction, Task>? alongside, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(execution);
        ArgumentNullException.ThrowIfNull(result);
        var now = time.GetUtcNow();
        var resultId = Guid.CreateVersion7(now);
        var store = await stores.ForAsync(execution.OrgId, cancellationToken).ConfigureAwait(false);
        await using (var oc = await store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
            await StoredResultRows.InsertAsync(oc, new StoredResult(resultId, execution.Id, execution.TaskName, execution.TaskVersion, result.ToJsonString(), now), cancellationToken).ConfigureAwait(false);
        bool named;
        try
        {
            named = await database.InTransactionAsync(async (c, t) =>
            {
                if (!await ExecutionRows.CompleteAsync(c, t, execution.Id, resultId, now, cancellationToken).ConfigureAwait(false)) return false;
                if (alongside is not null) await alongside(c, t).ConfigureAwait(false);
                return true;
            }, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // A commit can fail on the client after the server applied it: delete the copy only when it was not named.
            if (!await NamedAsync(execution.Id, resultId).ConfigureAwait(false)) await DeleteAsync(store, resultId).ConfigureAwait(false);
            throw;
        }
        if (named) return (true, result);
        // An earlier run of this job named its result after this one started: that result stands.
        await DeleteAsync(store, resultId).ConfigureAwait(false);
        Execution? standing;
        await using (var c = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
            standing = await ExecutionRows.FindForJobAsync(c, execution.Id, cancellationToken).ConfigureAwait(false);
        var text = await ReadAsync(execution.OrgId, standing?.ResultId, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"Execution {execution.Id} is complete, but its result is not in its organization's store.");
        return (false, (JsonObject)JsonNode.Parse(text)!);
    }

    /// <summary>The result's JSON from the organization's store; null for no id.</summary>
    public async Task<string?> ReadAsync(Guid orgId, Guid? resultId, CancellationToken cancellationToken)
    {
        if (resultId is not { } id) return null;
        var store = await stores.ForAsync(orgId, cancellationToken).ConfigureAwait(false);
        await using var c = await store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await StoredResultRows.FindAsync(c, id, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The execution with its <see cref="Execution.Result"/> read from its organization's store, when it has one.</summary>
    public async Task<Execution> WithResultAsync(Execution execution, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(execution);
        return execution.ResultId is null ? execution : execution with { Result = await ReadAsync(execution.OrgId, execution.ResultId, cancellationToken).ConfigureAwait(false) };
    }

    /// <summary>
    /// What a Chem job returns to the job engine: where the result is, not the result, which stays in the organization's
    /// store (the engine's tables are shared by every organization).
    /// </summary>
    public static JsonObject Reference(Execution execution)
    {
        ArgumentNullException.ThrowIfNull(execution);
        return new JsonObject
        {
            ["execution_id"] = execution.Id.ToString(),
            ["result"] = $"kept in the organization's Chem store: GET /api/v1/chem/executions/{execution.Id}",
        };
    }

    // Whether the execution names this result; when that cannot be read, assume it does (an unnamed row is only waste).
    private async Task<bool> NamedAsync(Guid executionId, Guid resultId)
    {
        try
        {
            await using var c = await database.OpenConnectionAsync(CancellationToken.None).ConfigureAwait(false);
            return (await ExecutionRows.FindForJobAsync(c, executionId, CancellationToken.None).ConfigureAwait(false))?.ResultId == resultId;
        }
        catch (Exception e) when (e is TesseraException or DbException)
        {
            return true;
        }
    }

    // Best effort, whatever the caller's token: an unnamed row is harmless, only wasted.
    private static async Task DeleteAsync(TesseraDatabase store, Guid resultId)
    {
        try
        {
            await using var c = await store.OpenConnectionAsync(CancellationToken.None).ConfigureAwait(false);
            await StoredResultRows.DeleteAsync(c, resultId, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is TesseraException or DbException)
        {
            // The store is unreachable: the row stays unnamed.
        }
    }
}
