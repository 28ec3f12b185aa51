using System.Data.Common;
using System.Text.Json.Nodes;
using Tessera.Chem.Storage;
using Tessera.Chem.Tasks;
using Tessera.Data;

namespace Tessera.Chem.Executions;

/// <summary>
/// The result cache's keys and decisions: an execution's input signature and the task version's cache policy, the
/// binding of a pipeline step's execution (served from the cache when it can be), and the cache event each decision
/// writes. Apart from <see cref="ExecutionService"/> because the job handlers need it, and the job engine (which
/// <see cref="ExecutionService"/> enqueues on) needs the handlers.
/// </summary>
internal sealed class ExecutionCache(TesseraDatabase database, IEnumerable<IChemTaskRunner> runners, ExecutionJournal journal, ChemSettings settings, TimeProvider time)
{
    private readonly Dictionary<string, IChemTaskRunner> _runners = runners.ToDictionary(r => r.TaskName, StringComparer.Ordinal);

    /// <summary>The system tasks the workers run in-process.</summary>
    public IReadOnlyCollection<string> Executable => [.. _runners.Keys.Order(StringComparer.Ordinal)];

    /// <summary>An organization's own task never runs in-process; a system task does when no live service takes it.</summary>
    public IChemTaskRunner? RunnerFor(TaskDefinition definition) => definition.OrgId is null ? _runners.GetValueOrDefault(definition.Name) : null;

    /// <summary>
    /// The signature and cache policy of parameters valid for the task version. Without an in-process runner Tessera can
    /// neither normalise the inputs nor know the service's tool versions, so such executions record their parameters'
    /// signature (for the explanation) but are never served from the cache.
    /// </summary>
    public async Task<(InputSignature Signature, TaskCachePolicy Policy)> KeyAsync(Guid orgId, TaskDefinition definition, JsonObject parameters, CancellationToken cancellationToken)
    {
        var runner = RunnerFor(definition);
        if (runner is null)
            return (InputSignature.Of(definition.Name, definition.Version, new Dictionary<string, string>(), [], InputSignature.WithDefaults(definition.InputSchema, parameters)),
                TaskCachePolicy.Default with { Enabled = false });
        return (await SignatureAsync(orgId, definition, runner, parameters, cancellationToken).ConfigureAwait(false), TaskCachePolicy.Parse(definition.Cache));
    }

    /// <summary>
    /// Gives an execution created unbound (a pipeline step, made before its upstream steps ran) its final parameters
    /// and signature, and serves it from the cache when a completed execution of the organization has the same
    /// signature: then it comes back with that result, <c>cached_from</c> and outcome hit, and needs no run.
    /// </summary>
    public async Task<Execution> BindAsync(Execution execution, TaskDefinition definition, JsonObject parameters, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(execution);
        var (signature, policy) = await KeyAsync(execution.OrgId, definition, parameters, cancellationToken).ConfigureAwait(false);
        var signatures = AcceptedSignatures(signature, policy);
        var now = time.GetUtcNow();
        return await database.InTransactionAsync(async (c, t) =>
        {
            await ExecutionRows.LockSignatureAsync(c, t, database.Dialect, execution.OrgId, signature.Hash, cancellationToken).ConfigureAwait(false);
            var bound = execution with
            {
                Parameters = parameters.ToJsonString(), InputSignature = signature.Hash, SignatureComponents = signature.Text,
                CacheOutcome = policy.Enabled ? CacheOutcomes.Miss : CacheOutcomes.Disabled,
            };
            if (policy.Enabled && await FindHitAsync(c, t, execution.OrgId, signatures, policy, now, cancellationToken).ConfigureAwait(false) is { } hit)
                bound = bound with { ResultId = hit.ResultId, CompletedAt = now, CachedFrom = hit.Id, CacheOutcome = CacheOutcomes.Hit };
            // A second run of the step's job finds the execution bound already: the first binding stands.
            if (!await ExecutionRows.BindAsync(c, t, bound, cancellationToken).ConfigureAwait(false))
                return (await ExecutionRows.FindForJobAsync(c, execution.Id, cancellationToken).ConfigureAwait(false))!;
            await EventAsync(c, t, bound, cancellationToken).ConfigureAwait(false);
            return bound;
        }, cancellationToken).ConfigureAwait(false);
    }

    public Task EventAsync(DbConnection c, DbTransaction t, Execution execution, CancellationToken cancellationToken)
    {
        var data = new JsonObject { ["outcome"] = execution.CacheOutcome };
        if (execution.CachedFrom is { } from) data["cached_from"] = from.ToString();
        var message = execution.CacheOutcome switch
        {
            CacheOutcomes.Hit => $"cache hit: execution {execution.CachedFrom} completed with the same input signature",
            CacheOutcomes.Joined => $"cache: joined execution {execution.CachedFrom}, identical and in flight",
            CacheOutcomes.Bypassed => "cache bypassed on request",
            CacheOutcomes.Disabled => "cache off for this task version",
            _ => "cache miss: no completed execution with the same input signature",
        };
        return journal.AppendAsync(c, t, execution, ExecutionEventTypes.Cache, message, data, cancellationToken);
    }

    /// <summary>The signatures whose results may serve this one: its own and, under its version's policy, those of the result-compatible versions.</summary>
    public static List<string> AcceptedSignatures(InputSignature signature, TaskCachePolicy policy) =>
        [signature.Hash, .. policy.CompatibleVersions.Select(signature.HashForVersion)];

    /// <summary>
    /// The organization's newest completed result under one of <paramref name="signatures"/> that is younger than the
    /// policy's TTL at <paramref name="now"/>; null when there is none. Call it holding the signature's lock.
    /// </summary>
    public Task<Execution?> FindHitAsync(
        DbConnection c, DbTransaction t, Guid orgId, IReadOnlyList<string> signatures, TaskCachePolicy policy, DateTimeOffset now, CancellationToken cancellationToken) =>
        ExecutionRows.FindHitAsync(c, t, orgId, signatures, Ttl(policy) is { } age ? now - age : null, cancellationToken);

    public TimeSpan? Ttl(TaskCachePolicy policy) =>
        policy.TtlSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : settings.CacheTtlSeconds > 0 ? TimeSpan.FromSeconds(settings.CacheTtlSeconds) : null;

    private static async Task<InputSignature> SignatureAsync(Guid orgId, TaskDefinition definition, IChemTaskRunner runner, JsonObject parameters, CancellationToken cancellationToken)
    {
        var inputs = await runner.InputsAsync(orgId, parameters, cancellationToken).ConfigureAwait(false);
        var rest = InputSignature.WithDefaults(definition.InputSchema, parameters);
        foreach (var (name, _) in inputs) rest.Remove(name);
        var tools = await runner.ToolVersionsAsync(cancellationToken).ConfigureAwait(false);
        return InputSignature.Of(definition.Name, definition.Version, tools, inputs, rest);
    }
}
