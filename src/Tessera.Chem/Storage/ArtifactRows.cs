using System.Data.Common;
using Dapper;
using Tessera.Chem.Molecules;

namespace Tessera.Chem.Storage;

/// <summary>The SQL of uploaded structure files. Reads filter by organization in SQL.</summary>
internal static class ArtifactRows
{
    private const string Columns =
        "id AS Id, org_id AS OrgId, user_id AS UserId, file_name AS FileName, format AS Format, blob_sha256 AS BlobSha256, size_bytes AS SizeBytes, " +
        "molecule_count AS MoleculeCount, rejected_count AS RejectedCount, rejected AS Rejected, created_at AS CreatedAt";

    public static Task InsertAsync(DbConnection c, DbTransaction t, Artifact a, CancellationToken ct) =>
        c.ExecuteAsync(new CommandDefinition(
            "INSERT INTO chem_artifacts (id, org_id, user_id, file_name, format, blob_sha256, size_bytes, molecule_count, rejected_count, rejected, created_at) " +
            "VALUES (@Id, @OrgId, @UserId, @FileName, @Format, @BlobSha256, @SizeBytes, @MoleculeCount, @RejectedCount, @Rejected, @CreatedAt)",
            a, t, cancellationToken: ct));

    /// <summary>The organization's artifact, or null for a missing one and for another organization's alike.</summary>
    public static Task<Artifact?> FindAsync(DbConnection c, Guid orgId, Guid id, CancellationToken ct) =>
        c.QuerySingleOrDefaultAsync<Artifact>(new CommandDefinition(
            $"SELECT {Columns} FROM chem_artifacts WHERE id = @id AND org_id = @orgId", new { id, orgId }, cancellationToken: ct));
}
