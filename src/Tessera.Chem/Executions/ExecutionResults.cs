using System.Text.Json.Nodes;
using Tessera.Chem.Storage;
using Tessera.Chem.Tasks;
using Tessera.Core.Errors;
using Tessera.Data;

namespace Tessera.Chem.Executions;

/// <summary>
/// Records the result of a runner that stores no files: checked against the task version's output schema (a result
/// that breaks it is the runner's bug, reported as <c>CHEM_RESULT_INVALID</c> rather than stored), then written once;
/// when an earlier run of the job already recorded one, that result stands and is returned.
/// </summary>
internal static class ExecutionResults
{
    public static async Task<JsonObject> RecordAsync(TesseraDatabase database, TimeProvider time, Execution execution, JsonObject result, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(execution);
        ArgumentNullException.ThrowIfNull(result);
        TaskDefinition? found;
        await using (var c = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
            found = await TaskRows.FindByIdAsync(c, execution.TaskId, cancellationToken).ConfigureAwait(false);
        var task = found ?? throw new TesseraException(ChemErrorCodes.ExecutionInputMissing, 422, $"Task version {execution.TaskName} v{execution.TaskVersion} does not exist.");
        var errors = TaskSchemas.Validate(task.OutputSchema, result);
        if (errors.Count > 0)
            throw new TesseraException(ChemErrorCodes.ResultInvalid, 500,
                $"The result of {task.Name} v{task.Version} does not match its output schema: " + string.Join("; ", errors.Select(e => $"{e.InstancePath} {e.Message}")));
        var stored = await database.InTransactionAsync(async (tc, t) =>
            await ExecutionRows.CompleteAsync(tc, t, execution.Id, result.ToJsonString(), time.GetUtcNow(), cancellationToken).ConfigureAwait(false)
                ? null
                : (await ExecutionRows.FindForJobAsync(tc, execution.Id, cancellationToken).ConfigureAwait(false))?.Result, cancellationToken).ConfigureAwait(false);
        return stored is null ? result : (JsonObject)JsonNode.Parse(stored)!;
    }
}
