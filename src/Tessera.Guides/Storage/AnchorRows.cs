using System.Data.Common;
using Dapper;
using Tessera.Data;
using Tessera.Guides.Anchors;
using Tessera.Guides.Instructions;

namespace Tessera.Guides.Storage;

/// <summary>The SQL of screenshot assets and anchors. A caller's reads filter by organization and user in SQL.</summary>
internal static class AnchorRows
{
    private const string AssetColumns =
        "id AS Id, job_id AS JobId, org_id AS OrgId, user_id AS UserId, kind AS Kind, sha256 AS Sha256, source_asset_id AS SourceAssetId, " +
        "ops_hash AS OpsHash, ops AS Ops, width AS Width, height AS Height, created_at AS CreatedAt";

    private const string AnchorColumns =
        "id AS Id, instruction_id AS InstructionId, job_id AS JobId, org_id AS OrgId, user_id AS UserId, block_id AS BlockId, char_start AS CharStart, " +
        "char_end AS CharEnd, quote AS Quote, created_version AS CreatedVersion, created_index AS CreatedIndex, resolved_version AS ResolvedVersion, " +
        "resolved_block_id AS ResolvedBlockId, resolved_index AS ResolvedIndex, resolution AS Resolution, created_at AS CreatedAt, updated_at AS UpdatedAt";

    /// <summary>Inserts the asset unless one like it stands (the job's frame or upload with that hash, or the same render of the same source): true when inserted.</summary>
    public static async Task<bool> TryInsertAssetAsync(DbConnection c, DbTransaction? t, GuideAsset a, CancellationToken ct) =>
        await c.ExecuteAsync(new CommandDefinition(
            "INSERT INTO guides_assets (id, job_id, org_id, user_id, kind, sha256, source_asset_id, ops_hash, ops, width, height, created_at) " +
            "VALUES (@Id, @JobId, @OrgId, @UserId, @Kind, @Sha256, @SourceAssetId, @OpsHash, @Ops, @Width, @Height, @CreatedAt) ON CONFLICT DO NOTHING",
            a, t, cancellationToken: ct)).ConfigureAwait(false) == 1;

    /// <summary>The job's raw asset of that kind (a frame, an upload) with that hash.</summary>
    public static Task<GuideAsset?> FindRawAssetAsync(DbConnection c, DbTransaction? t, Guid jobId, string kind, string sha256, CancellationToken ct) =>
        c.QuerySingleOrDefaultAsync<GuideAsset>(new CommandDefinition(
            $"SELECT {AssetColumns} FROM guides_assets WHERE job_id = @jobId AND sha256 = @sha256 AND kind = @kind", new { jobId, kind, sha256 }, t, cancellationToken: ct));

    public static Task<GuideAsset?> FindRenderAsync(DbConnection c, DbTransaction? t, Guid sourceAssetId, string opsHash, CancellationToken ct) =>
        c.QuerySingleOrDefaultAsync<GuideAsset>(new CommandDefinition(
            $"SELECT {AssetColumns} FROM guides_assets WHERE source_asset_id = @sourceAssetId AND ops_hash = @opsHash AND kind = 'annotated'",
            new { sourceAssetId, opsHash }, t, cancellationToken: ct));

    /// <summary>The caller's asset, or null for a missing one and anyone else's alike.</summary>
    public static Task<GuideAsset?> FindAssetAsync(DbConnection c, Guid orgId, Guid userId, Guid id, CancellationToken ct) =>
        c.QuerySingleOrDefaultAsync<GuideAsset>(new CommandDefinition(
            $"SELECT {AssetColumns} FROM guides_assets WHERE id = @id AND org_id = @orgId AND user_id = @userId", new { id, orgId, userId }, cancellationToken: ct));

    /// <summary>Inserts the anchor unless the instruction has one at that address already: true when inserted.</summary>
    public static async Task<bool> TryInsertAnchorAsync(DbConnection c, DbTransaction t, GuideAnchor a, CancellationToken ct) =>
        await c.ExecuteAsync(new CommandDefinition(
            "INSERT INTO guides_anchors (id, instruction_id, job_id, org_id, user_id, block_id, char_start, char_end, quote, created_version, created_index, " +
            "resolved_version, resolved_block_id, resolved_index, resolution, created_at, updated_at) VALUES (@Id, @InstructionId, @JobId, @OrgId, @UserId, @BlockId, " +
            "@CharStart, @CharEnd, @Quote, @CreatedVersion, @CreatedIndex, @ResolvedVersion, @ResolvedBlockId, @ResolvedIndex, @Resolution, @CreatedAt, @UpdatedAt) " +
            "ON CONFLICT DO NOTHING", a, t, cancellationToken: ct)).ConfigureAwait(false) == 1;

    public static Task<GuideAnchor?> FindAnchorByAddressAsync(DbConnection c, DbTransaction t, Guid instructionId, string blockId, int? charStart, int? charEnd, CancellationToken ct) =>
        c.QuerySingleOrDefaultAsync<GuideAnchor>(new CommandDefinition(
            $"SELECT {AnchorColumns} FROM guides_anchors WHERE instruction_id = @instructionId AND block_id = @blockId " +
            "AND COALESCE(char_start, -1) = COALESCE(@charStart, -1) AND COALESCE(char_end, -1) = COALESCE(@charEnd, -1)",
            new { instructionId, blockId, charStart, charEnd }, t, cancellationToken: ct));

    /// <summary>The caller's anchor, or null for a missing one and anyone else's alike; locked until the transaction ends when one is given (PostgreSQL).</summary>
    public static Task<GuideAnchor?> FindAnchorAsync(DbConnection c, DbTransaction? t, SqlDialect dialect, Guid orgId, Guid userId, Guid id, CancellationToken ct) =>
        c.QuerySingleOrDefaultAsync<GuideAnchor>(new CommandDefinition(
            $"SELECT {AnchorColumns} FROM guides_anchors WHERE id = @id AND org_id = @orgId AND user_id = @userId" +
            (t is not null && dialect == SqlDialect.Postgres ? " FOR UPDATE" : ""), new { id, orgId, userId }, t, cancellationToken: ct));

    /// <summary>The instruction's anchors, oldest first (the caller owns the instruction: its row was read owner-filtered).</summary>
    public static async Task<IReadOnlyList<GuideAnchor>> ListAnchorsAsync(DbConnection c, DbTransaction? t, Guid instructionId, CancellationToken ct) =>
        (await c.QueryAsync<GuideAnchor>(new CommandDefinition(
            $"SELECT {AnchorColumns} FROM guides_anchors WHERE instruction_id = @instructionId ORDER BY created_at, id", new { instructionId }, t, cancellationToken: ct))
            .ConfigureAwait(false)).ToList();

    /// <summary>Resolves every anchor of the instruction against a new version (<see cref="AnchorResolver"/>), in the save's transaction.</summary>
    public static async Task ResolveAllAsync(DbConnection c, DbTransaction t, Guid instructionId, int version, IReadOnlyList<InstructionBlock> blocks, DateTimeOffset at, CancellationToken ct)
    {
        foreach (var anchor in await ListAnchorsAsync(c, t, instructionId, ct).ConfigureAwait(false))
        {
            var resolved = AnchorResolver.Resolve(anchor, version, blocks) with { UpdatedAt = at };
            await c.ExecuteAsync(new CommandDefinition(
                "UPDATE guides_anchors SET resolved_version = @ResolvedVersion, resolved_block_id = @ResolvedBlockId, resolved_index = @ResolvedIndex, " +
                "resolution = @Resolution, updated_at = @UpdatedAt WHERE id = @Id", resolved, t, cancellationToken: ct)).ConfigureAwait(false);
        }
    }

    public static Task AttachAsync(DbConnection c, DbTransaction t, Guid anchorId, Guid assetId, DateTimeOffset at, CancellationToken ct) =>
        c.ExecuteAsync(new CommandDefinition(
            "INSERT INTO guides_anchor_assets (anchor_id, seq, asset_id, attached_at) " +
            "SELECT @anchorId, COALESCE(MAX(seq), 0) + 1, @assetId, @at FROM guides_anchor_assets WHERE anchor_id = @anchorId",
            new { anchorId, assetId, at }, t, cancellationToken: ct));

    /// <summary>Detaches the asset from the anchor wherever it is attached: false when it is not (or no longer) attached.</summary>
    public static async Task<bool> DetachAsync(DbConnection c, DbTransaction t, Guid anchorId, Guid assetId, DateTimeOffset at, CancellationToken ct) =>
        await c.ExecuteAsync(new CommandDefinition(
            "UPDATE guides_anchor_assets SET detached_at = @at WHERE anchor_id = @anchorId AND asset_id = @assetId AND detached_at IS NULL",
            new { anchorId, assetId, at }, t, cancellationToken: ct)).ConfigureAwait(false) > 0;

    /// <summary>The anchor's attachments in order, each with its asset.</summary>
    public static async Task<IReadOnlyList<(AnchorAsset Attachment, GuideAsset Asset)>> AttachmentsAsync(DbConnection c, DbTransaction? t, Guid anchorId, CancellationToken ct) =>
        (await c.QueryAsync<AnchorAsset, GuideAsset, (AnchorAsset, GuideAsset)>(new CommandDefinition(
            "SELECT aa.anchor_id AS AnchorId, aa.seq AS Seq, aa.asset_id AS AssetId, aa.attached_at AS AttachedAt, aa.detached_at AS DetachedAt, " +
            $"{string.Join(", ", AssetColumns.Split(", ").Select(column => "s." + column))} " +
            "FROM guides_anchor_assets aa JOIN guides_assets s ON s.id = aa.asset_id WHERE aa.anchor_id = @anchorId ORDER BY aa.seq",
            new { anchorId }, t, cancellationToken: ct), (attachment, asset) => (attachment, asset), splitOn: "Id").ConfigureAwait(false)).ToList();

    /// <summary>
    /// The screenshot each anchored step of <paramref name="version"/> shows instead of its frame: per step, the active
    /// asset of the anchor attached to last, among anchors resolved (not orphaned) in that version.
    /// </summary>
    public static async Task<IReadOnlyDictionary<string, string>> ActiveScreenshotsAsync(DbConnection c, DbTransaction? t, Guid instructionId, int version, CancellationToken ct)
    {
        var rows = await c.QueryAsync<(string BlockId, string Sha256)>(new CommandDefinition(
            "SELECT a.resolved_block_id, s.sha256 FROM guides_anchors a " +
            "JOIN guides_anchor_assets aa ON aa.anchor_id = a.id AND aa.detached_at IS NULL JOIN guides_assets s ON s.id = aa.asset_id " +
            "WHERE a.instruction_id = @instructionId AND a.resolved_version = @version AND a.resolution <> 'orphaned' ORDER BY aa.attached_at, aa.seq",
            new { instructionId, version }, t, cancellationToken: ct)).ConfigureAwait(false);
        var active = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (blockId, sha256) in rows) active[blockId] = sha256;
        return active;
    }
}
