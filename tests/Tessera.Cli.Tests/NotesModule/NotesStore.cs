using System.Runtime.InteropServices;
using Dapper;
using Tessera.Data;
using Tessera.Vectors.Collections;

namespace Tessera.Cli.Tests.NotesModule;

/// <summary>The notes table, and the notes collection's source (one partition; groups are organizations).</summary>
internal sealed class NotesStore(TesseraDatabase database)
{
    public async Task<long> AddAsync(Guid orgId, string text, CancellationToken cancellationToken)
    {
        await using var c = await database.OpenConnectionAsync(cancellationToken);
        return await c.ExecuteScalarAsync<long>(new CommandDefinition(
            "INSERT INTO notes_items (org_id, text, vector) VALUES (@orgId, @text, @vector) RETURNING label",
            new { orgId, text, vector = MemoryMarshal.AsBytes(NoteVectors.Of(text).AsSpan()).ToArray() }, cancellationToken: cancellationToken));
    }

    /// <summary>Deletes a note and records its label for the collection, in one transaction.</summary>
    public Task DeleteAsync(long label, CancellationToken cancellationToken) =>
        database.InTransactionAsync(async (c, t) =>
        {
            // PostgreSQL hands out sequence numbers before commit; one deleter at a time makes them visible in order.
            if (database.Dialect == SqlDialect.Postgres)
                await c.ExecuteAsync(new CommandDefinition("LOCK TABLE notes_deleted_labels IN SHARE ROW EXCLUSIVE MODE", transaction: t, cancellationToken: cancellationToken));
            await c.ExecuteAsync(new CommandDefinition(
                "INSERT INTO notes_deleted_labels (label) SELECT label FROM notes_items WHERE label = @label", new { label }, t, cancellationToken: cancellationToken));
            await c.ExecuteAsync(new CommandDefinition("DELETE FROM notes_items WHERE label = @label", new { label }, t, cancellationToken: cancellationToken));
        }, cancellationToken);

    public async Task<long> CountAsync(Guid orgId, CancellationToken cancellationToken)
    {
        await using var c = await database.OpenConnectionAsync(cancellationToken);
        return await c.ExecuteScalarAsync<long>(new CommandDefinition("SELECT COUNT(*) FROM notes_items WHERE org_id = @orgId", new { orgId }, cancellationToken: cancellationToken));
    }
}

internal sealed class NotesVectorSource(TesseraDatabase database) : IVectorSource
{
    public async Task<IReadOnlyList<VectorPartition>> PartitionsAsync(CancellationToken cancellationToken) =>
        await HighestLabelAsync(NotesModule.Partition, cancellationToken) > 0 ? [NotesModule.Partition] : [];

    public async Task<SourceRows> ReadAfterAsync(VectorPartition partition, long after, CancellationToken cancellationToken)
    {
        await using var c = await database.OpenConnectionAsync(cancellationToken);
        var rows = (await c.QueryAsync<(long Label, Guid OrgId, byte[] Vector)>(new CommandDefinition(
            "SELECT label, org_id, vector FROM notes_items WHERE label > @after ORDER BY label", new { after }, cancellationToken: cancellationToken))).ToList();
        var vectors = rows.SelectMany(r => MemoryMarshal.Cast<byte, float>(r.Vector).ToArray()).ToArray();
        return new SourceRows(partition.Dimension, vectors, [.. rows.Select(r => r.Label)], [.. rows.Select(r => r.OrgId)]);
    }

    public async Task<long> CountThroughAsync(VectorPartition partition, long through, CancellationToken cancellationToken)
    {
        await using var c = await database.OpenConnectionAsync(cancellationToken);
        return await c.ExecuteScalarAsync<long>(new CommandDefinition("SELECT COUNT(*) FROM notes_items WHERE label <= @through", new { through }, cancellationToken: cancellationToken));
    }

    public async Task<long> HighestLabelAsync(VectorPartition partition, CancellationToken cancellationToken)
    {
        await using var c = await database.OpenConnectionAsync(cancellationToken);
        return await c.ExecuteScalarAsync<long>(new CommandDefinition("SELECT COALESCE(MAX(label), 0) FROM notes_items", cancellationToken: cancellationToken));
    }

    public async Task<IReadOnlyList<(long Label, Guid Group)>> GroupsAsync(VectorPartition partition, CancellationToken cancellationToken)
    {
        await using var c = await database.OpenConnectionAsync(cancellationToken);
        return (await c.QueryAsync<(long, Guid)>(new CommandDefinition("SELECT label, org_id FROM notes_items", cancellationToken: cancellationToken))).ToList();
    }

    public async Task<DeletedLabels> DeletedAfterAsync(VectorPartition partition, long after, CancellationToken cancellationToken)
    {
        await using var c = await database.OpenConnectionAsync(cancellationToken);
        var rows = (await c.QueryAsync<(long Sequence, long Label)>(new CommandDefinition(
            "SELECT sequence, label FROM notes_deleted_labels WHERE sequence > @after ORDER BY sequence", new { after }, cancellationToken: cancellationToken))).ToList();
        return new DeletedLabels([.. rows.Select(r => r.Label)], rows.Count == 0 ? after : rows[^1].Sequence);
    }
}
