using System.Text.Json.Nodes;
using Tessera.Chem.Executions;
using Tessera.Chem.Storage;
using Tessera.Core.Errors;
using Tessera.Data;
using Tessera.Jobs;

namespace Tessera.Chem.OpenBabel;

/// <summary>
/// What the Open Babel system tasks share: their <c>molecule</c> parameter is SMILES (or text in the task's input
/// format) or the id of a stored molecule of the organization (read as its canonical SMILES); one obabel call makes
/// the result, which is checked against the output schema and recorded once (<see cref="ExecutionResults"/>).
/// </summary>
internal abstract class MoleculeTaskRunner(TesseraDatabase database, ObabelRunner obabel, ToolVersions tools, ChemSettings settings, ExecutionResults results) : IChemTaskRunner
{
    public abstract string TaskName { get; }

    public async Task<IReadOnlyDictionary<string, string>> ToolVersionsAsync(CancellationToken cancellationToken) => new SortedDictionary<string, string>(StringComparer.Ordinal)
    {
        ["obabel"] = await tools.GetAsync(settings.ObabelPath, "chem:obabel_path", ["-V"]).ConfigureAwait(false),
    };

    /// <summary>A stored molecule's id stands for its canonical SMILES; text is compared as given (it is read as given).</summary>
    public async Task<JsonObject> InputsAsync(Guid orgId, JsonObject parameters, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var inputs = new JsonObject();
        if (parameters["molecule"]?.GetValue<string>() is { } text && Guid.TryParse(text, out var id))
        {
            await using var c = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            inputs["molecule"] = await MoleculeRows.FindAsync(c, orgId, id, cancellationToken).ConfigureAwait(false) is { } molecule ? "smiles:" + molecule.CanonicalSmiles : text;
        }
        return inputs;
    }

    public async Task<JsonObject> RunAsync(Execution execution, JobContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(execution);
        ArgumentNullException.ThrowIfNull(context);
        var parameters = JsonNode.Parse(execution.Parameters) as JsonObject ?? throw TesseraException.Validation("The parameters are not a JSON object.");
        var text = parameters["molecule"]!.GetValue<string>();
        var stored = false;
        if (Guid.TryParse(text, out var id))
        {
            await using var c = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            text = (await MoleculeRows.FindAsync(c, execution.OrgId, id, cancellationToken).ConfigureAwait(false) ?? throw TesseraException.NotFound("molecule")).CanonicalSmiles;
            stored = true;
        }
        await context.ReportProgressAsync(0, 1, "running obabel", cancellationToken).ConfigureAwait(false);
        var result = await ComputeAsync(new MoleculeInput(text, stored), parameters, cancellationToken).ConfigureAwait(false);
        var recorded = await results.RecordAsync(execution, result, cancellationToken).ConfigureAwait(false);
        await context.ReportProgressAsync(1, 1, "done", cancellationToken).ConfigureAwait(false);
        return recorded;
    }

    /// <summary>The result of the task on the molecule (its parameters already valid against the input schema).</summary>
    protected abstract Task<JsonObject> ComputeAsync(MoleculeInput molecule, JsonObject parameters, CancellationToken cancellationToken);

    /// <summary>obabel's output for <paramref name="input"/>; a timeout or no output is a 422 <c>CHEM_TOOL_FAILED</c> with obabel's words.</summary>
    protected async Task<string> ObabelAsync(IReadOnlyList<string> arguments, string input, CancellationToken cancellationToken)
    {
        var outcome = await obabel.RunAsync(arguments, input, cancellationToken).ConfigureAwait(false);
        if (outcome.TimedOut) throw Failed($"Open Babel did not finish in {settings.ObabelTimeoutSeconds} s (chem:obabel_timeout_seconds).");
        if (string.IsNullOrWhiteSpace(outcome.Stdout)) throw Failed("Open Babel could not read the molecule: " + ObabelMessages.Reason(outcome.Stderr));
        return outcome.Stdout;
    }

    private static TesseraException Failed(string message) => new(ChemErrorCodes.ToolFailed, 422, message);
}

/// <summary>The molecule a task reads: <paramref name="Text"/> in the task's input format, or SMILES when it came from a stored molecule.</summary>
internal sealed record MoleculeInput(string Text, bool FromStoredMolecule);
