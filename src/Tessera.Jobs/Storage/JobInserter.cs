using System.Data.Common;
using System.Text;
using System.Text.Json;
using Dapper;
using Tessera.Core.Errors;
using Tessera.Data;

namespace Tessera.Jobs.Storage;

/// <summary>
/// Inserts a job inside the caller's transaction. The idempotency key is a unique constraint, not a
/// check-then-insert: a second insert with the same key does nothing and the existing job is returned (or 409
/// when its input differs). A cacheable kind first looks for a succeeded job with the same input signature.
/// </summary>
internal sealed class JobInserter(JobHandlerRegistry handlers, JobsOptions options, TimeProvider time)
{
    public const int MaxIdempotencyKeyLength = 200;

    public async Task<JobEnqueueResult> InsertAsync(
        DbConnection connection, DbTransaction transaction, SqlDialect dialect, JobOwner owner, JobRequest request, JobLinks links,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var handler = handlers.Require(request.Kind);
        var now = time.GetUtcNow();
        Validate(request, now);
        var signature = InputSignature.Of(handler.Kind, handler.Version, request.Input);
        RequireWithinSizeLimit(signature.CanonicalInput);
        var cache = handler.Cacheable && links.InitialState == JobState.Queued
            ? await DecideCacheAsync(connection, transaction, owner, handler.Kind, signature, cancellationToken).ConfigureAwait(false)
            : null;
        var state = cache is { IsHit: true } ? JobState.Succeeded : links.InitialState;
        var id = Guid.CreateVersion7(now);

        var inserted = await connection.ExecuteAsync(new CommandDefinition(
            $"""
            INSERT INTO jobs (id, kind, kind_version, owner_user_id, owner_org_id, state, priority, run_at, input, input_hash,
                input_signature, idempotency_key, max_attempts, backoff_base_ms, result, cache_source_id, parent_id, pipeline_id,
                step_name, on_dependency_failure, retry_of, event_seq, created_at, updated_at, started_at, finished_at)
            VALUES (@id, @kind, @version, @userId, @orgId, @state, @priority, @runAt, @input, @inputHash,
                @signature, @key, @maxAttempts, @backoffMs, @result, @cacheSource, @parentId, @pipelineId,
                @stepName, @onDependencyFailure, @retryOf, @eventSeq, @now, @now, @finishedAt, @finishedAt)
            {(request.IdempotencyKey is null ? "" : "ON CONFLICT (owner_org_id, owner_user_id, idempotency_key) DO NOTHING")}
            """,
            new
            {
                id,
                kind = handler.Kind,
                version = handler.Version,
                userId = owner.UserId,
                orgId = owner.OrgId,
                state = state.Name(),
                priority = request.Priority,
                runAt = request.RunAt ?? now,
                input = signature.CanonicalInput,
                inputHash = signature.InputHash,
                signature = signature.Signature,
                key = ScopedKey(request.IdempotencyKey, links.ParentId),
                maxAttempts = request.MaxAttempts ?? options.DefaultMaxAttempts,
                backoffMs = (int)(request.BackoffBase ?? options.BackoffBase).TotalMilliseconds,
                result = cache?.SourceResult,
                cacheSource = cache?.SourceId,
                parentId = links.ParentId,
                pipelineId = links.PipelineId,
                stepName = links.StepName,
                onDependencyFailure = links.OnDependencyFailure,
                retryOf = links.RetryOf,
                eventSeq = cache is null ? 1 : 2,
                now,
                finishedAt = state == JobState.Succeeded ? now : (DateTimeOffset?)null,
            },
            transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);

        if (inserted == 0)
            return new JobEnqueueResult(await ExistingAsync(connection, transaction, owner, request, links, signature, cancellationToken).ConfigureAwait(false), false);

        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO job_org_turns (owner_org_id) VALUES (@orgId) ON CONFLICT (owner_org_id) DO NOTHING",
            new { orgId = owner.OrgId }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);

        var seq = 1L;
        if (cache is not null)
        {
            var data = JsonSerializer.Serialize(new Dictionary<string, string?> { ["reason"] = cache.Reason, ["source_job_id"] = cache.SourceId?.ToString() });
            await JobEventLog.AppendAsync(connection, transaction, id, seq++, JobEventTypes.Cache, null, null,
                cache.IsHit ? CacheDecision.Hit : "cache_miss", data, now, cancellationToken).ConfigureAwait(false);
        }
        await JobEventLog.AppendAsync(connection, transaction, id, seq, JobEventTypes.State, null, state.Name(),
            cache is { IsHit: true } ? "result taken from the cache" : "enqueued", null, now, cancellationToken).ConfigureAwait(false);
        if (state == JobState.Queued) await JobTransitions.NotifyAsync(connection, transaction, dialect, cancellationToken).ConfigureAwait(false);

        var row = await JobReader.GetRowAsync(connection, transaction, id, null, cancellationToken).ConfigureAwait(false);
        return new JobEnqueueResult(row!.ToInfo(), true);
    }

    private static void Validate(JobRequest request, DateTimeOffset now)
    {
        // A bounded range: one tenant's int.MaxValue would otherwise jump every other tenant's queue for good.
        if (request.Priority is < JobRequest.MinPriority or > JobRequest.MaxPriority)
            throw TesseraException.Validation($"priority must be from {JobRequest.MinPriority} to {JobRequest.MaxPriority}.");
        if (request.RunAt is { } runAt && runAt > now + JobRequest.MaxDelay)
            throw TesseraException.Validation($"run_at may lie at most {JobRequest.MaxDelay.TotalDays} days ahead.");
        if (request.IdempotencyKey is { } key && (key.Length == 0 || key.Length > MaxIdempotencyKeyLength))
            throw TesseraException.Validation($"An idempotency key must be 1 to {MaxIdempotencyKeyLength} characters long.");
        if (request.MaxAttempts is < 1 or > 1000)
            throw TesseraException.Validation("max_attempts must be from 1 to 1000.");
        if (request.BackoffBase is { } backoff && (backoff < TimeSpan.Zero || backoff > TimeSpan.FromHours(1)))
            throw TesseraException.Validation("The backoff base must be from 0 to 1 hour.");
    }

    private void RequireWithinSizeLimit(string canonicalInput)
    {
        if (Encoding.UTF8.GetByteCount(canonicalInput) <= options.MaxInputBytes) return;
        var error = new TesseraException(ErrorCodes.PayloadTooLarge, 413,
            $"The job input exceeds {options.MaxInputBytes} bytes (setting jobs:max_input_bytes); store bulk data as a blob and pass its hash.");
        error.Extensions["limit"] = "jobs:max_input_bytes";
        error.Extensions["limit_bytes"] = options.MaxInputBytes;
        throw error;
    }

    /// <summary>A child's key is scoped to its parent, so a resumed parent re-enqueueing its children finds them again.</summary>
    private static string? ScopedKey(string? key, Guid? parentId) => key is null || parentId is null ? key : $"{parentId}/{key}";

    private static async Task<JobInfo> ExistingAsync(
        DbConnection connection, DbTransaction transaction, JobOwner owner, JobRequest request, JobLinks links, InputSignature signature,
        CancellationToken cancellationToken)
    {
        var existing = await connection.QuerySingleAsync<JobRow>(new CommandDefinition(
            $"SELECT {JobRow.Columns} FROM jobs WHERE owner_org_id = @orgId AND owner_user_id = @userId AND idempotency_key = @key",
            new { orgId = owner.OrgId, userId = owner.UserId, key = ScopedKey(request.IdempotencyKey, links.ParentId) },
            transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        if (existing.Kind != request.Kind || existing.InputHash != signature.InputHash)
            throw TesseraException.Conflict(ErrorCodes.IdempotencyKeyReused,
                $"The idempotency key '{request.IdempotencyKey}' was already used for job {existing.Id} with a different kind or input.");
        return existing.ToInfo();
    }

    private static async Task<CacheDecision> DecideCacheAsync(
        DbConnection connection, DbTransaction transaction, JobOwner owner, string kind, InputSignature signature, CancellationToken cancellationToken)
    {
        // Scoped to the organization: a cached result never crosses tenants.
        var priors = (await connection.QueryAsync<JobRow>(new CommandDefinition(
            $"""
            SELECT {JobRow.Columns} FROM jobs
            WHERE owner_org_id = @orgId AND kind = @kind AND input_hash = @hash
            ORDER BY created_at DESC, id DESC LIMIT 50
            """,
            new { orgId = owner.OrgId, kind, hash = signature.InputHash }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false)).AsList();
        return CacheDecision.From(priors, signature.Signature);
    }
}
