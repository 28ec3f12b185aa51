using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Tessera.Core.Errors;
using Tessera.Core.Identity;
using Tessera.Data;
using Tessera.Guides.Instructions;
using Tessera.Guides.Storage;
using Tessera.Jobs;

namespace Tessera.Guides.Regeneration;

/// <summary>
/// Requesting and reading regenerate tasks. A request names the version it starts from (<c>base_version</c>, 409
/// <c>VERSION_CONFLICT</c> when another came first), optionally the blocks to write again (each must be in that version
/// and have a narration window: 422 <c>SELECTION_INVALID</c>), and a <c>client_request_id</c>: the first request is
/// 202 with a QUEUED task (a <c>guides.regenerate</c> job), a replay 200 with the same task whatever it has become,
/// the same id asking something else 409 <c>IDEMPOTENCY_KEY_REUSED</c>; 20 racing identical requests make one task.
/// </summary>
internal sealed partial class RegenerateService(TesseraDatabase database, JobService jobs, TimeProvider time)
{
    public const string JobKind = "guides.regenerate";
    public const int MaxAttempts = 3;

    public async Task<(RegenerateTask Task, bool Queued)> RequestAsync(
        Principal caller, Guid instructionId, string? clientRequestId, int? baseVersion, IReadOnlyList<string>? blockIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        caller.Require(Permissions.RunsWrite);
        if (clientRequestId is null || !ClientRequestIdPattern().IsMatch(clientRequestId))
            throw TesseraException.Validation("client_request_id must be 1 to 100 letters, digits, '.', '_', ':' or '-' (one per intended request, reused only to replay it).");
        if (baseVersion is not { } from || from < 1) throw TesseraException.Validation("base_version must name the version to regenerate from (1 or more).");
        if (blockIds is { Count: 0 } || blockIds?.Count > InstructionService.MaxBlocks)
            throw TesseraException.Validation($"block_ids must list 1 to {InstructionService.MaxBlocks} blocks, or be left out to regenerate every step.");
        if (blockIds?.Any(string.IsNullOrEmpty) == true) throw TesseraException.Validation("block_ids must hold block ids, not null or empty strings.");
        var selection = blockIds?.ToList();
        var hash = RequestHash(from, selection);
        var now = time.GetUtcNow();
        var outcome = await database.InTransactionAsync(async (c, t) =>
        {
            var instruction = await InstructionRows.FindAsync(c, t, database.Dialect, caller.OrgId, caller.UserId, instructionId, cancellationToken).ConfigureAwait(false)
                ?? throw TesseraException.NotFound();
            // A replay is answered before anything is checked against the instruction as it stands now: its own success moved the version on.
            if (await TaskRows.FindByClientRequestAsync(c, t, instructionId, clientRequestId, cancellationToken).ConfigureAwait(false) is { } earlier)
                return (Replay(earlier, hash), false);
            if (from != instruction.CurrentVersion)
                throw new TesseraException(ErrorCodes.VersionConflict, 409,
                    $"The instructions are at version {instruction.CurrentVersion}, not {from}: load them again and regenerate from there.") { Extensions = { ["current_version"] = instruction.CurrentVersion } };
            var blocks = InstructionBlock.Parse((await InstructionRows.FindVersionAsync(c, instructionId, from, cancellationToken).ConfigureAwait(false))!.Blocks);
            CheckSelection(selection, blocks);
            var task = new RegenerateTask
            {
                Id = Guid.CreateVersion7(now), InstructionId = instructionId, JobId = instruction.JobId, OrgId = caller.OrgId, UserId = caller.UserId,
                ClientRequestId = clientRequestId, RequestHash = hash, BaseVersion = from, BlockIds = selection is null ? null : JsonSerializer.Serialize(selection),
                CreatedAt = now, UpdatedAt = now,
            };
            if (!await TaskRows.TryInsertAsync(c, t, task, cancellationToken).ConfigureAwait(false))
                // On PostgreSQL a racing insert of the same id waited for the winner's commit and did nothing: its row is there now.
                return (Replay((await TaskRows.FindByClientRequestAsync(c, t, instructionId, clientRequestId, cancellationToken).ConfigureAwait(false))!, hash), false);
            var request = new JobRequest(JobKind, new JsonObject { ["task_id"] = task.Id.ToString() }) { IdempotencyKey = $"{JobKind}:{task.Id}", MaxAttempts = MaxAttempts };
            var engine = (await jobs.EnqueueAsync(JobOwner.Of(caller), request, c, t, cancellationToken).ConfigureAwait(false)).Job.Id;
            await TaskRows.SetEngineJobAsync(c, t, task.Id, engine, cancellationToken).ConfigureAwait(false);
            return (task with { EngineJobId = engine }, true);
        }, cancellationToken).ConfigureAwait(false);
        if (outcome.Item2) jobs.WakeWorkers();
        return outcome;
    }

    /// <summary>
    /// The caller's task. One still open whose engine job has ended (its worker killed on the last attempt, the job
    /// cancelled) is recorded FAILED here, so a poller never waits on it for good.
    /// </summary>
    public async Task<RegenerateTask> GetAsync(Principal caller, Guid id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        caller.Require(Permissions.RunsRead);
        await using var c = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var task = await TaskRows.FindAsync(c, caller.OrgId, caller.UserId, id, cancellationToken).ConfigureAwait(false) ?? throw TesseraException.NotFound();
        if (!RegenerateStatus.IsOpen(task.Status) || task.EngineJobId is not { } engine) return task;
        var job = await jobs.GetAsync(JobScope.Operator, engine, cancellationToken).ConfigureAwait(false);
        if (!job.State.IsTerminal()) return task;
        var now = time.GetUtcNow();
        var failed = task with
        {
            Status = RegenerateStatus.Failed, FailureCode = GuidesErrorCodes.RegenerateFailed, UpdatedAt = now, CompletedAt = now,
            FailureMessage = $"Its job ended ({job.State}) without finishing it; request the regeneration again with a new client_request_id.",
        };
        await TaskRows.FinishAsync(c, null, failed, cancellationToken).ConfigureAwait(false);
        return (await TaskRows.FindAsync(c, caller.OrgId, caller.UserId, id, cancellationToken).ConfigureAwait(false))!;
    }

    private static RegenerateTask Replay(RegenerateTask earlier, string hash) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(earlier.RequestHash), Encoding.ASCII.GetBytes(hash))
            ? earlier
            : throw new TesseraException(ErrorCodes.IdempotencyKeyReused, 409,
                $"client_request_id '{earlier.ClientRequestId}' was used for another request (base version {earlier.BaseVersion}, other blocks): give this one its own id.")
            { Extensions = { ["task_id"] = earlier.Id } };

    private static void CheckSelection(List<string>? selection, IReadOnlyList<InstructionBlock> blocks)
    {
        if (selection is null) return;
        var byId = blocks.ToDictionary(b => b.Id, StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        List<string> problems = [];
        foreach (var (id, i) in selection.Select((id, i) => (id, i)))
        {
            if (!seen.Add(id)) problems.Add($"block_ids[{i}] {id} appears twice.");
            else if (!byId.TryGetValue(id, out var block)) problems.Add($"block_ids[{i}] {id} is not a step of this version.");
            else if (block.Start is null || block.End is null) problems.Add($"block_ids[{i}] {id} was added by hand: it has no narration to write it from.");
        }
        if (problems.Count > 0)
            throw new TesseraException(GuidesErrorCodes.SelectionInvalid, 422, string.Join(" ", problems)) { Extensions = { ["errors"] = problems } };
    }

    /// <summary>What a request asks, canonically: the base version and the selection as a set (order and repeats aside) or every step.</summary>
    private static string RequestHash(int baseVersion, List<string>? selection)
    {
        var canonical = JsonSerializer.Serialize(new { base_version = baseVersion, block_ids = selection?.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList() });
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }

    [GeneratedRegex(@"^[A-Za-z0-9._:-]{1,100}\z")]
    private static partial Regex ClientRequestIdPattern();
}
