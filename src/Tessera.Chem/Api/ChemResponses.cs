using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Tessera.Chem.Executions;
using Tessera.Chem.Molecules;
using Tessera.Chem.Tasks;
using Tessera.Jobs;

namespace Tessera.Chem.Api;

/// <summary>A stored molecule: its normalised structure and descriptors, and the artifact (upload) it came from.</summary>
internal sealed record ChemMolecule(
    Guid Id, Guid ArtifactId, int Record, string? Title, string CanonicalSmiles, [property: JsonPropertyName("inchikey")] string InChIKey, string Formula, double MolecularWeight,
    double LogP, double Tpsa, int Hbd, int Hba, int RotatableBonds, DateTimeOffset CreatedAt)
{
    public static ChemMolecule From(Molecule m) => new(
        m.Id, m.ArtifactId, m.Record, m.Title, m.CanonicalSmiles, m.InChIKey, m.Formula, m.MolecularWeight, m.LogP, m.Tpsa, m.Hbd, m.Hba, m.RotatableBonds, m.CreatedAt);
}

/// <summary>A page of molecules; pass <paramref name="Next"/> as <c>after</c> for the following one (null: the last page).</summary>
internal sealed record ChemMoleculePage(IReadOnlyList<ChemMolecule> Items, Guid? Next);

/// <summary>A record of an upload that was not stored: its number in the file, its title, a stable code and the reason.</summary>
internal sealed record ChemRejectedRecord(int Record, string? Title, string Code, string Reason)
{
    public static ChemRejectedRecord From(RejectedRecord r) => new(r.Record, r.Title, r.Code, r.Reason);
}

/// <summary>An uploaded file kept as an artifact in the blob store.</summary>
internal sealed record ChemArtifact(Guid Id, string FileName, string Format, string Sha256, long SizeBytes, int MoleculeCount, int RejectedCount, DateTimeOffset CreatedAt)
{
    public static ChemArtifact From(Artifact a) => new(a.Id, a.FileName, a.Format, a.BlobSha256, a.SizeBytes, a.MoleculeCount, a.RejectedCount, a.CreatedAt);
}

/// <summary>What an upload stored (every valid molecule) and which records it rejected, with why.</summary>
internal sealed record ChemUploadResponse(ChemArtifact Artifact, IReadOnlyList<ChemMolecule> Molecules, IReadOnlyList<ChemRejectedRecord> Rejected);

/// <summary>A signed link to an artifact's file, valid until <paramref name="ExpiresAt"/>.</summary>
internal sealed record ChemArtifactLink(Guid ArtifactId, string FileName, string Url, DateTimeOffset ExpiresAt);

/// <summary>One version of a task definition; <paramref name="Owner"/> is "system" for the tasks every organization sees, else "organization".</summary>
internal sealed record ChemTask(
    string Name, int Version, string Description, JsonNode? InputSchema, JsonNode? OutputSchema, JsonNode? Resources, JsonNode Cache, string Owner, DateTimeOffset CreatedAt)
{
    public static ChemTask From(TaskDefinition d) => new(
        d.Name, d.Version, d.Description, JsonNode.Parse(d.InputSchema), JsonNode.Parse(d.OutputSchema), JsonNode.Parse(d.Resources),
        TaskCachePolicy.Parse(d.Cache).ToJson(), d.OrgId is null ? "system" : "organization", d.CreatedAt);
}

/// <summary>Parameters that match the task version's input schema.</summary>
internal sealed record ChemValidation(string Name, int Version, bool Valid);

/// <summary>The task version an execution runs.</summary>
internal sealed record ChemExecutionTask(string Name, int Version);

/// <summary>Why an execution failed: a stable code (e.g. CHEM_DOCKING_FAILED) and the message, with the tool's own words.</summary>
internal sealed record ChemExecutionError(string Code, string Message);

/// <summary>
/// One run of a task: <paramref name="State"/> is its job's (queued, running, retrying, succeeded, failed, cancelled);
/// <paramref name="Result"/> follows the task's output schema; <paramref name="Artifacts"/> are signed links to the files
/// it stored (each valid for an hour); <paramref name="Service"/> is what ran it ("in-process": the job engine's workers).
/// <paramref name="Cached"/>: another execution with the same input signature served it (<paramref name="CachedFrom"/>),
/// so it has no job (<paramref name="JobId"/> null) and ran no tool; <paramref name="CacheOutcome"/> is the cache's
/// decision (hit, joined, miss, bypassed, disabled; <c>GET /executions/{id}/cache</c> explains it).
/// <paramref name="CpuSeconds"/> is what its attempts were charged against the organization's daily quota (wall time
/// times the threads asked for; 0 for one served from the cache); <c>GET /executions/{id}/events</c> tells its story.
/// </summary>
internal sealed record ChemExecution(
    Guid Id, string State, ChemExecutionTask Task, string Service, JsonNode? Parameters, JsonNode? Result, IReadOnlyList<ChemArtifactLink> Artifacts,
    ChemExecutionError? Error, Guid? JobId, int Attempts, ChemExecutionProgress Progress, bool Cached, Guid? CachedFrom, string? CacheOutcome,
    string? InputSignature, double CpuSeconds, DateTimeOffset CreatedAt, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt)
{
    public static async Task<ChemExecution> FromAsync(
        Tessera.Chem.Executions.ExecutionService.Snapshot snapshot, Tessera.Core.Identity.Principal caller, MoleculeReader reader, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(reader);
        var (execution, job) = (snapshot.Execution, snapshot.Job);
        var result = execution.Result is { } stored ? JsonNode.Parse(stored) : null;
        var artifacts = new List<ChemArtifactLink>();
        if (result is JsonObject fields)
        {
            // Every "…_artifact_id" field of a result names a file the execution stored; each gets a fresh signed link.
            foreach (var (name, value) in fields.Where(f => f.Key.EndsWith("_artifact_id", StringComparison.Ordinal)).ToList())
            {
                if (value?.GetValue<string>() is not { } text || !Guid.TryParse(text, out var id)) continue;
                var (artifact, link) = await reader.LinkAsync(caller, id, cancellationToken).ConfigureAwait(false);
                artifacts.Add(new ChemArtifactLink(artifact.Id, artifact.FileName, link.Url, link.ExpiresAt));
            }
        }
        // No job behind it (served from the cache, or joined to one that completed): it succeeded with the stored result.
        var state = job is null ? JobState.Succeeded.Name() : job.State.Name();
        var progress = job is null ? new ChemExecutionProgress(1, 1, "served from the cache") : new ChemExecutionProgress(job.Progress.Done, job.Progress.Total, job.Progress.Message);
        return new ChemExecution(
            execution.Id, state, new ChemExecutionTask(execution.TaskName, execution.TaskVersion), execution.Service, JsonNode.Parse(execution.Parameters), result, artifacts,
            job?.Error is { } e ? new ChemExecutionError(e.Code, e.Message) : null, execution.JobId, execution.JobId is null ? 0 : job?.Attempts ?? 0, progress,
            execution.CachedFrom is not null, execution.CachedFrom, execution.CacheOutcome, execution.InputSignature, execution.CpuSeconds ?? 0,
            execution.CreatedAt, job?.StartedAt ?? (job is null ? execution.CreatedAt : null), job?.FinishedAt ?? execution.CompletedAt);
    }
}

/// <summary>
/// Why an execution was or was not served from the cache. <paramref name="Outcome"/>: hit, joined, miss, bypassed,
/// disabled (or unrecorded, for executions from before the cache). <paramref name="ServedBy"/> is the execution whose
/// result it took; <paramref name="Nearest"/>, for one that ran, the earlier execution of the same task in the
/// organization whose signature is closest, and <paramref name="Differences"/> each signature field that differed
/// (e.g. <c>parameters.exhaustiveness</c>, <c>inputs.receptor</c>, <c>task.version</c>, <c>tool.vina</c>).
/// </summary>
internal sealed record ChemCacheExplanation(
    Guid ExecutionId, string Outcome, bool Cached, string? InputSignature, JsonNode? Signature, ChemCacheReference? ServedBy, ChemCacheReference? Nearest,
    IReadOnlyList<ChemCacheDifference> Differences, string Reason)
{
    public static ChemCacheExplanation From(CacheExplanation e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var x = e.Execution;
        var compared = e.Compared is { } c ? new ChemCacheReference(c.Id, new ChemExecutionTask(c.TaskName, c.TaskVersion), c.InputSignature, c.ResultId is not null, c.CreatedAt, c.CompletedAt) : null;
        return new ChemCacheExplanation(
            x.Id, x.CacheOutcome ?? "unrecorded", x.CachedFrom is not null, x.InputSignature, x.SignatureComponents is { } s ? JsonNode.Parse(s) : null,
            x.CachedFrom is not null ? compared : null, x.CachedFrom is null ? compared : null,
            [.. e.Differences.Select(d => new ChemCacheDifference(d.Field, d.Before is null ? null : JsonNode.Parse(d.Before), d.After is null ? null : JsonNode.Parse(d.After), d.Summary))],
            e.Reason);
    }
}

/// <summary>An execution the cache compared with: its task version, signature, whether it succeeded, and when.</summary>
internal sealed record ChemCacheReference(Guid ExecutionId, ChemExecutionTask Task, string? InputSignature, bool Succeeded, DateTimeOffset CreatedAt, DateTimeOffset? CompletedAt);

/// <summary>One signature field that differed: the earlier value, this execution's, and a line such as <c>parameters.exhaustiveness: 8 → 16</c>.</summary>
internal sealed record ChemCacheDifference(string Field, JsonNode? Before, JsonNode? After, string Summary);

/// <summary>How far the execution is: steps done of the total, and what it is doing.</summary>
internal sealed record ChemExecutionProgress(long Done, long? Total, string? Message);
