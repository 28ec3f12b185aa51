using Dapper;
using Tessera.Testing;

namespace Tessera.Data.Tests;

public class BulkInsertTests
{
    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task Rows_spanning_several_statements_arrive_complete_with_their_types_and_nulls(string dialect)
    {
        await using var scratch = await ScratchDatabase.CreateAsync(dialect);
        var idType = dialect == "postgres" ? "uuid" : "TEXT";
        var blobType = dialect == "postgres" ? "bytea" : "BLOB";
        var timeType = dialect == "postgres" ? "timestamptz" : "TEXT";
        await using (var c = await scratch.Database.OpenConnectionAsync())
            await c.ExecuteAsync($"CREATE TABLE samples (id {idType} PRIMARY KEY, n INTEGER NOT NULL, note TEXT NULL, payload {blobType} NOT NULL, at {timeType} NOT NULL)");

        var at = new DateTimeOffset(2026, 11, 21, 9, 0, 0, TimeSpan.Zero);
        var rows = Enumerable.Range(0, 1234).Select(i => (Id: Guid.CreateVersion7(), N: i, Note: i % 3 == 0 ? null : $"row {i}", Payload: BitConverter.GetBytes(i))).ToList();
        string[] columns = ["id", "n", "note", "payload", "at"];
        var inserted = await scratch.Database.InTransactionAsync((c, t) =>
            BulkInsert.ExecuteAsync(c, t, "samples", columns, rows, r => [r.Id, r.N, r.Note, r.Payload, at]));
        Assert.Equal(rows.Count, inserted);

        // A conflicting row is skipped by the suffix, the new one goes in.
        var again = await scratch.Database.InTransactionAsync((c, t) =>
            BulkInsert.ExecuteAsync(c, t, "samples", columns, [rows[5], (Id: Guid.CreateVersion7(), N: -1, Note: (string?)"new", Payload: new byte[] { 1 })],
                r => [r.Id, r.N, r.Note, r.Payload, at], "ON CONFLICT (id) DO NOTHING"));
        Assert.Equal(1, again);

        await using var read = await scratch.Database.OpenConnectionAsync();
        var stored = (await read.QueryAsync<(Guid Id, int N, string? Note, byte[] Payload, DateTimeOffset At)>(
            "SELECT id, n, note, payload, at FROM samples WHERE n >= 0 ORDER BY n")).ToList();
        Assert.Equal(rows.Select(r => (r.Id, r.N, r.Note)), stored.Select(s => (s.Id, s.N, s.Note)));
        Assert.All(stored, s => Assert.Equal(BitConverter.GetBytes(s.N), s.Payload));
        Assert.All(stored, s => Assert.Equal(at, s.At));
        // Stored exactly as Dapper's own statements bind ids and instants, so SQL comparisons with them match.
        Assert.Equal(1, await read.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM samples WHERE id = @id", new { id = rows[7].Id }));
        Assert.Equal(rows.Count + 1, await read.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM samples WHERE at = @at", new { at }));
    }
}
