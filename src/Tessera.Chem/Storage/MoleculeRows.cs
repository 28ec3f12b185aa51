using System.Data.Common;
using Dapper;
using Tessera.Chem.Molecules;

namespace Tessera.Chem.Storage;

/// <summary>The SQL of stored molecules. Reads filter by organization in SQL.</summary>
internal static class MoleculeRows
{
    private const string Columns =
        "id AS Id, org_id AS OrgId, artifact_id AS ArtifactId, record AS Record, title AS Title, canonical_smiles AS CanonicalSmiles, inchikey AS InChIKey, " +
        "formula AS Formula, molecular_weight AS MolecularWeight, logp AS LogP, tpsa AS Tpsa, hbd AS Hbd, hba AS Hba, rotatable_bonds AS RotatableBonds, created_at AS CreatedAt";

    /// <summary>All of an upload's molecules in one statement per row, inside the caller's transaction.</summary>
    public static Task InsertAsync(DbConnection c, DbTransaction t, IReadOnlyList<Molecule> molecules, CancellationToken ct) =>
        c.ExecuteAsync(new CommandDefinition(
            "INSERT INTO chem_molecules (id, org_id, artifact_id, record, title, canonical_smiles, inchikey, formula, molecular_weight, logp, tpsa, hbd, hba, rotatable_bonds, created_at) " +
            "VALUES (@Id, @OrgId, @ArtifactId, @Record, @Title, @CanonicalSmiles, @InChIKey, @Formula, @MolecularWeight, @LogP, @Tpsa, @Hbd, @Hba, @RotatableBonds, @CreatedAt)",
            molecules, t, cancellationToken: ct));

    public static Task<Molecule?> FindAsync(DbConnection c, Guid orgId, Guid id, CancellationToken ct) =>
        c.QuerySingleOrDefaultAsync<Molecule>(new CommandDefinition(
            $"SELECT {Columns} FROM chem_molecules WHERE id = @id AND org_id = @orgId", new { id, orgId }, cancellationToken: ct));

    /// <summary>A page in id order (ids are time-ordered v7 GUIDs): those after <paramref name="after"/>, at most <paramref name="limit"/>.</summary>
    public static async Task<IReadOnlyList<Molecule>> PageAsync(DbConnection c, Guid orgId, Guid? artifactId, Guid? after, int limit, CancellationToken ct) =>
        (await c.QueryAsync<Molecule>(new CommandDefinition(
            $"SELECT {Columns} FROM chem_molecules WHERE org_id = @orgId" +
            (artifactId is null ? "" : " AND artifact_id = @artifactId") + (after is null ? "" : " AND id > @after") + " ORDER BY id LIMIT @limit",
            new { orgId, artifactId, after, limit }, cancellationToken: ct)).ConfigureAwait(false)).ToList();
}
