using System.Data.Common;
using Dapper;
using Tessera.Data;
using Tessera.Guides.Instructions;

namespace Tessera.Guides.Storage;

/// <summary>The SQL of instructions and their versions. A caller's reads filter by organization and user in SQL.</summary>
internal static class InstructionRows
{
    private const string Columns =
        "id AS Id, job_id AS JobId, org_id AS OrgId, user_id AS UserId, current_version AS CurrentVersion, created_at AS CreatedAt, updated_at AS UpdatedAt";

    private const string VersionColumns =
        "instruction_id AS InstructionId, version AS Version, blocks AS Blocks, source AS Source, validation_status AS ValidationStatus, " +
        "validation_issues AS ValidationIssues, created_at AS CreatedAt";

    public static Task InsertAsync(DbConnection c, DbTransaction t, Instruction i, CancellationToken ct) =>
        c.ExecuteAsync(new CommandDefinition(
            "INSERT INTO guides_instructions (id, job_id, org_id, user_id, current_version, created_at, updated_at) " +
            "VALUES (@Id, @JobId, @OrgId, @UserId, @CurrentVersion, @CreatedAt, @UpdatedAt)", i, t, cancellationToken: ct));

    public static Task InsertVersionAsync(DbConnection c, DbTransaction t, InstructionVersion v, CancellationToken ct) =>
        c.ExecuteAsync(new CommandDefinition(
            "INSERT INTO guides_instruction_versions (instruction_id, version, blocks, source, validation_status, validation_issues, created_at) " +
            "VALUES (@InstructionId, @Version, @Blocks, @Source, @ValidationStatus, @ValidationIssues, @CreatedAt)", v, t, cancellationToken: ct));

    /// <summary>The caller's instruction, or null for a missing one and anyone else's alike; locked until the transaction ends when one is given (PostgreSQL).</summary>
    public static Task<Instruction?> FindAsync(DbConnection c, DbTransaction? t, SqlDialect dialect, Guid orgId, Guid userId, Guid id, CancellationToken ct) =>
        c.QuerySingleOrDefaultAsync<Instruction>(new CommandDefinition(
            $"SELECT {Columns} FROM guides_instructions WHERE id = @id AND org_id = @orgId AND user_id = @userId" +
            (t is not null && dialect == SqlDialect.Postgres ? " FOR UPDATE" : ""), new { id, orgId, userId }, t, cancellationToken: ct));

    public static Task<Instruction?> FindForJobAsync(DbConnection c, Guid orgId, Guid userId, Guid jobId, CancellationToken ct) =>
        c.QuerySingleOrDefaultAsync<Instruction>(new CommandDefinition(
            $"SELECT {Columns} FROM guides_instructions WHERE job_id = @jobId AND org_id = @orgId AND user_id = @userId", new { jobId, orgId, userId }, cancellationToken: ct));

    public static Task<InstructionVersion?> FindVersionAsync(DbConnection c, Guid instructionId, int version, CancellationToken ct) =>
        c.QuerySingleOrDefaultAsync<InstructionVersion>(new CommandDefinition(
            $"SELECT {VersionColumns} FROM guides_instruction_versions WHERE instruction_id = @instructionId AND version = @version",
            new { instructionId, version }, cancellationToken: ct));

    public static Task SetCurrentAsync(DbConnection c, DbTransaction t, Guid id, int version, DateTimeOffset at, CancellationToken ct) =>
        c.ExecuteAsync(new CommandDefinition(
            "UPDATE guides_instructions SET current_version = @version, updated_at = @at WHERE id = @id", new { id, version, at }, t, cancellationToken: ct));
}
