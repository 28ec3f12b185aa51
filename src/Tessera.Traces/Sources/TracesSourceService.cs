using Tessera.Core.Errors;
using Tessera.Core.Identity;
using Tessera.Data;
using Tessera.Traces.Formats;
using Tessera.Traces.Ingest;
using Tessera.Traces.Storage;

namespace Tessera.Traces.Sources;

/// <summary>
/// An organization's sources: created, changed and deleted by members who may write runs, read by those who may
/// read them. Everything is validated here (the API and the CLI share it): the folder exists and lies inside an
/// allowed root, the format is known, the embedder is a registered text embedder, the intervals are within bounds,
/// the name is unique in the organization. Another organization's source is missing.
/// </summary>
internal sealed class TracesSourceService(TesseraDatabase database, SourcePathPolicy paths, TracesEmbedderChoice embedders, TimeProvider time)
{
    public async Task<TraceSource> CreateAsync(Principal owner, TracesSourceSettings request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(owner);
        owner.Require(Permissions.RunsWrite);
        var now = time.GetUtcNow();
        var source = Validated(request) with { Id = Guid.CreateVersion7(now), OrgId = owner.OrgId, UserId = owner.UserId, CreatedAt = now, UpdatedAt = now };
        await database.InTransactionAsync(async (c, t) =>
        {
            await RequireFreeNameAsync(c, t, source, cancellationToken).ConfigureAwait(false);
            await TraceSourceRows.InsertAsync(c, t, source, cancellationToken).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
        return source;
    }

    public async Task<TraceSource> UpdateAsync(Principal owner, Guid id, TracesSourceSettings request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(owner);
        owner.Require(Permissions.RunsWrite);
        var current = await GetAsync(owner, id, cancellationToken).ConfigureAwait(false);
        var source = Validated(request) with { Id = id, OrgId = owner.OrgId, UserId = current.UserId, CreatedAt = current.CreatedAt, UpdatedAt = time.GetUtcNow() };
        await database.InTransactionAsync(async (c, t) =>
        {
            await RequireFreeNameAsync(c, t, source, cancellationToken).ConfigureAwait(false);
            if (await TraceSourceRows.UpdateAsync(c, t, source, cancellationToken).ConfigureAwait(false) == 0) throw TesseraException.NotFound("source");
        }, cancellationToken).ConfigureAwait(false);
        return source;
    }

    /// <summary>Deletes the source and everything ingested from it.</summary>
    public async Task DeleteAsync(Principal owner, Guid id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(owner);
        owner.Require(Permissions.RunsWrite);
        var deleted = await database.InTransactionAsync((c, t) => TraceSourceRows.DeleteAsync(c, t, owner.OrgId, id, cancellationToken), cancellationToken).ConfigureAwait(false);
        if (deleted == 0) throw TesseraException.NotFound("source");
    }

    /// <summary>
    /// The source the CLI's <c>traces ingest|watch PATH</c> runs: a folder (all its files) or one file, named after
    /// its path, found again on the next call. The operator running the CLI already has the deployment's data, so the
    /// allowed roots do not apply; the source is disabled, so the server's watcher leaves it to the CLI.
    /// </summary>
    public async Task<TraceSource> EnsureLocalAsync(Principal owner, string path, string format, string? embedder, int debounceMs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(owner);
        owner.Require(Permissions.RunsWrite);
        var full = System.IO.Path.TrimEndingDirectorySeparator(System.IO.Path.GetFullPath(path));
        var (folder, glob) = Directory.Exists(full) ? (full, "**/*")
            : File.Exists(full) ? (System.IO.Path.GetDirectoryName(full)!, System.IO.Path.GetFileName(full))
            : throw new TesseraException(TracesErrorCodes.SourcePathMissing, 400, $"{path} is neither a folder nor a file.");
        if (!TraceFormats.Names.Contains(format)) throw TesseraException.Validation($"--format must be one of {string.Join(", ", TraceFormats.Names)}.");
        var name = "local " + full;
        if (name.Length > SourceLimits.MaxNameLength) name = "local …" + full[^(SourceLimits.MaxNameLength - 7)..];
        var now = time.GetUtcNow();
        var wanted = new TraceSource
        {
            Name = name, Path = folder, Glob = glob, Format = format, Embedder = string.IsNullOrWhiteSpace(embedder) ? null : embedders.Resolve(embedder),
            PollSeconds = SourceLimits.MinPollSeconds, DebounceMs = debounceMs, WatchEvents = true, Enabled = false, OrgId = owner.OrgId, UserId = owner.UserId,
            UpdatedAt = now,
        };
        return await database.InTransactionAsync(async (c, t) =>
        {
            var existing = await TraceSourceRows.FindByNameAsync(c, t, owner.OrgId, name, cancellationToken).ConfigureAwait(false);
            if (existing is null)
            {
                var created = wanted with { Id = Guid.CreateVersion7(now), CreatedAt = now };
                await TraceSourceRows.InsertAsync(c, t, created, cancellationToken).ConfigureAwait(false);
                return created;
            }
            var updated = wanted with { Id = existing.Id, CreatedAt = existing.CreatedAt, UserId = existing.UserId };
            await TraceSourceRows.UpdateAsync(c, t, updated, cancellationToken).ConfigureAwait(false);
            return updated;
        }, cancellationToken).ConfigureAwait(false);
    }

    public async Task<TraceSource> GetAsync(Principal owner, Guid id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(owner);
        owner.Require(Permissions.RunsRead);
        await using var c = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await TraceSourceRows.FindAsync(c, owner.OrgId, id, cancellationToken).ConfigureAwait(false) ?? throw TesseraException.NotFound("source");
    }

    public async Task<TraceSource?> FindByNameAsync(Principal owner, string name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(owner);
        owner.Require(Permissions.RunsRead);
        await using var c = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await TraceSourceRows.FindByNameAsync(c, null, owner.OrgId, name, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<TraceSource>> ListAsync(Principal owner, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(owner);
        owner.Require(Permissions.RunsRead);
        await using var c = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await TraceSourceRows.ListAsync(c, owner.OrgId, cancellationToken).ConfigureAwait(false);
    }

    private TraceSource Validated(TracesSourceSettings request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var name = request.Name?.Trim();
        if (string.IsNullOrEmpty(name)) throw TesseraException.Validation("name is required.");
        if (name.Length > SourceLimits.MaxNameLength) throw TesseraException.Validation($"name must be at most {SourceLimits.MaxNameLength} characters.");
        var glob = string.IsNullOrWhiteSpace(request.Glob) ? "**/*" : request.Glob.Trim();
        if (glob.Length > SourceLimits.MaxGlobLength) throw TesseraException.Validation($"glob must be at most {SourceLimits.MaxGlobLength} characters.");
        if (glob.Split(';').Any(p => p.Trim().StartsWith('/') || p.Split('/').Contains("..")))
            throw TesseraException.Validation("glob must be relative to the folder (no leading '/', no '..').");
        var format = string.IsNullOrWhiteSpace(request.Format) ? "auto" : request.Format.Trim();
        if (!TraceFormats.Names.Contains(format)) throw TesseraException.Validation($"format must be one of {string.Join(", ", TraceFormats.Names)}.");
        var poll = request.PollSeconds ?? SourceLimits.DefaultPollSeconds;
        if (poll is < SourceLimits.MinPollSeconds or > SourceLimits.MaxPollSeconds)
            throw TesseraException.Validation($"poll_seconds must be from {SourceLimits.MinPollSeconds} to {SourceLimits.MaxPollSeconds}.");
        var debounce = request.DebounceMs ?? SourceLimits.DefaultDebounceMs;
        if (debounce is < 0 or > SourceLimits.MaxDebounceMs) throw TesseraException.Validation($"debounce_ms must be from 0 to {SourceLimits.MaxDebounceMs}.");
        var embedder = string.IsNullOrWhiteSpace(request.Embedder) ? null : embedders.Resolve(request.Embedder);
        return new TraceSource
        {
            Name = name,
            Path = paths.Check(request.Path),
            Glob = glob,
            Format = format,
            Embedder = embedder,
            PollSeconds = poll,
            DebounceMs = debounce,
            WatchEvents = request.WatchEvents ?? true,
            Enabled = request.Enabled ?? true,
        };
    }

    private static async Task RequireFreeNameAsync(System.Data.Common.DbConnection c, System.Data.Common.DbTransaction t, TraceSource source, CancellationToken cancellationToken)
    {
        if (await TraceSourceRows.NameTakenAsync(c, t, source.OrgId, source.Name, source.Id, cancellationToken).ConfigureAwait(false))
            throw TesseraException.Conflict(TracesErrorCodes.SourceNameTaken, $"A source named '{source.Name}' already exists in this organization.");
    }
}
