using System.Text.Json.Nodes;
using Tessera.Chem.Storage;
using Tessera.Data;
using Tessera.Jobs;

namespace Tessera.Chem.Executions;

/// <summary>
/// The <c>chem.execute</c> job: runs one execution with <see cref="ExecutionRunner"/> (a live task service of the
/// organization, else the runner in this process). A run that finds the result already recorded (it was stored, then
/// the lease was lost) does not run again.
/// </summary>
internal sealed class ChemExecuteJobHandler(TesseraDatabase database, ExecutionRunner runner) : IJobHandler
{
    public const string JobKind = "chem.execute";

    public string Kind => JobKind;
    public int Version => 1;
    public bool Cacheable => false;

    public static JsonObject Input(Guid executionId) => new() { ["execution_id"] = executionId.ToString() };

    public async Task<JsonNode?> ExecuteAsync(JobContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Input?["execution_id"]?.GetValue<string>() is not { } text || !Guid.TryParse(text, out var id))
            throw new PermanentJobException(ChemErrorCodes.ExecutionInputMissing, "The job input names no execution_id.");
        Execution? execution;
        await using (var c = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
            execution = await ExecutionRows.FindForJobAsync(c, id, cancellationToken).ConfigureAwait(false);
        if (execution is null || execution.OrgId != context.Owner.OrgId)
            throw new PermanentJobException(ChemErrorCodes.ExecutionInputMissing, $"Execution {id} does not exist.");
        if (execution.ResultId is not null) return ExecutionResults.Reference(execution);
        return await runner.RunAsync(execution, context, cancellationToken).ConfigureAwait(false);
    }
}
