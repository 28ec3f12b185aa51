using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Tessera.Core.Errors;
using Tessera.Core.Identity;
using Tessera.Data;
using Tessera.Data.Migrations;
using Tessera.Testing;
using Tessera.Traces.Points;

namespace Tessera.Traces.Tests;

/// <summary>The map's points as the page reads them: the binary layout, the owner filter, the version tag, the selection export.</summary>
public class TracesPointsTests
{
    [Fact]
    public void The_binary_body_follows_the_documented_layout()
    {
        var a = Guid.NewGuid();
        var b = Guid.NewGuid();
        var payload = new TracesPointsPayload(new Dictionary<Guid, string> { [a] = "alpha", [b] = "beta" });
        payload.Add(1000, -1.5, 2, 3, "thought", a, "r1.jsonl");
        payload.Add(1002, 4, -0.25, 3, "action", b, "r2.jsonl");
        payload.Add(1010, 0.5, 1, 2, "thought", a, "r3.jsonl");

        var bytes = payload.ToBytes();
        var s = bytes.AsSpan();
        const int n = 3;
        Assert.Equal("TRPT", Encoding.ASCII.GetString(bytes, 0, 4));
        Assert.Equal(1, BinaryPrimitives.ReadUInt16LittleEndian(s[4..]));
        var h = BinaryPrimitives.ReadUInt16LittleEndian(s[6..]);
        Assert.Equal(64, h);
        Assert.Equal((uint)n, BinaryPrimitives.ReadUInt32LittleEndian(s[8..]));
        Assert.Equal(3, BinaryPrimitives.ReadInt32LittleEndian(s[12..]));
        Assert.Equal([-1.5f, 4f, -0.25f, 2f], [F(s, 16), F(s, 20), F(s, 24), F(s, 28)]);
        Assert.Equal(1000d, BinaryPrimitives.ReadDoubleLittleEndian(s[32..]));
        var dictionaryBytes = (int)BinaryPrimitives.ReadUInt32LittleEndian(s[40..]);
        Assert.Equal(h + 20 * n + dictionaryBytes, bytes.Length);
        Assert.Equal([-1.5f, 4f, 0.5f], [F(s, h), F(s, h + 4), F(s, h + 8)]);
        Assert.Equal([2f, -0.25f, 1f], [F(s, h + 4 * n), F(s, h + 4 * n + 4), F(s, h + 4 * n + 8)]);
        Assert.Equal([0, 1, 0], Enumerable.Range(0, n).Select(i => (int)U16(bytes, h + 8 * n + 2 * i)));
        Assert.Equal([0, 1, 0], Enumerable.Range(0, n).Select(i => (int)U16(bytes, h + 10 * n + 2 * i)));
        Assert.Equal([0u, 1u, 2u], Enumerable.Range(0, n).Select(i => U32(bytes, h + 12 * n + 4 * i)));
        Assert.Equal([0u, 2u, 10u], Enumerable.Range(0, n).Select(i => U32(bytes, h + 16 * n + 4 * i)));
        using var dictionary = JsonDocument.Parse(bytes.AsMemory(h + 20 * n, dictionaryBytes));
        var root = dictionary.RootElement;
        Assert.Equal(["thought", "action"], root.GetProperty("types").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal(["alpha", "beta"], root.GetProperty("sources").EnumerateArray().Select(t => t.GetProperty("name").GetString()));
        Assert.Equal(b, root.GetProperty("sources")[1].GetProperty("id").GetGuid());
        Assert.Equal("r3.jsonl", root.GetProperty("runs")[2].GetProperty("file_path").GetString());
        Assert.Equal(0, root.GetProperty("runs")[2].GetProperty("source").GetInt32());
    }

    [Fact]
    public void An_empty_map_is_a_header_and_an_empty_dictionary()
    {
        var bytes = new TracesPointsPayload(new Dictionary<Guid, string>()).ToBytes();
        Assert.Equal(0u, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8)));
        Assert.Equal("""{"types":[],"sources":[],"runs":[]}""", Encoding.UTF8.GetString(bytes, 64, bytes.Length - 64));
    }

    [Theory]
    [InlineData("=SUM(A1)", "'=SUM(A1)")]
    [InlineData("-rm -rf /", "'-rm -rf /")]
    [InlineData("plain text", "plain text")]
    [InlineData("a, \"quoted\"\nline", "\"a, \"\"quoted\"\"\nline\"")]
    [InlineData("@cmd", "'@cmd")]
    public void Csv_cells_are_defused_and_quoted(string text, string cell) => Assert.Equal(cell, SelectionCsvCell.Text(text));

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task The_points_the_tag_a_record_a_run_and_an_export_are_the_callers_organizations_only(string dialect)
    {
        await using var scratch = await ScratchDatabase.CreateAsync(dialect);
        await new MigrationRunner(scratch.Database, [DataModule.Migrations, TracesModule.Schema], TimeProvider.System, NullLogger<MigrationRunner>.Instance).MigrateAsync();
        var (mine, me) = Member(scratch.Database);
        var (theirs, them) = Member(scratch.Database);
        var source = await mine.SourceAsync("alpha");
        var run = await mine.RunAsync(source, "runs/one.jsonl", 9, 1, 1, i => i == 0 ? "=1+1" : $"entry {i}");
        var foreign = await theirs.RunAsync(await theirs.SourceAsync("theirs"), "runs/one.jsonl", 4, 0, 0);
        var points = new TracesPointsService(scratch.Database);

        var (tag, body) = await points.ReadAsync(me, CancellationToken.None);
        Assert.Equal(9u, BinaryPrimitives.ReadUInt32LittleEndian(body.AsSpan(8)));
        Assert.Equal((double)run[0], BinaryPrimitives.ReadDoubleLittleEndian(body.AsSpan(32)));
        Assert.Equal(tag, await points.TagAsync(me, CancellationToken.None));
        Assert.NotEqual(tag, await points.TagAsync(them, CancellationToken.None));

        // A new point changes the tag a poll compares.
        await mine.RunAsync(source, "runs/two.jsonl", 1, 5, 5);
        Assert.NotEqual(tag, await points.TagAsync(me, CancellationToken.None));

        var record = await points.GetRecordAsync(me, run[3], CancellationToken.None);
        Assert.Equal(("alpha", "runs/one.jsonl", 3, "entry 3"), (record.SourceName, record.FilePath, record.Line - 1, record.Text));
        var missing = await Assert.ThrowsAsync<TesseraException>(() => points.GetRecordAsync(me, foreign[0], CancellationToken.None));
        Assert.Equal(404, missing.Status);

        var inOrder = await points.ReadRunAsync(me, source, "runs/one.jsonl", CancellationToken.None);
        Assert.Equal(run, inOrder.Select(r => r.Seq));
        await Assert.ThrowsAsync<TesseraException>(() => points.ReadRunAsync(me, source, "runs/none.jsonl", CancellationToken.None));

        var selected = await points.SelectAsync(me, [run[0], run[2], foreign[1]], "csv", CancellationToken.None);
        Assert.Equal([run[0], run[2]], selected.Select(r => r.Seq));
        using var csv = new MemoryStream();
        await SelectionExportWriter.WriteAsync(selected, "csv", csv, CancellationToken.None);
        var lines = Encoding.UTF8.GetString(csv.ToArray()).TrimEnd('\n').Split('\n');
        Assert.Equal(3, lines.Length);
        Assert.EndsWith(",'=1+1", lines[1], StringComparison.Ordinal);
        var refused = await Assert.ThrowsAsync<TesseraException>(() => points.SelectAsync(me, [run[0]], "xlsx", CancellationToken.None));
        Assert.Equal(400, refused.Status);
    }

    private static ushort U16(byte[] b, int at) => BinaryPrimitives.ReadUInt16LittleEndian(b.AsSpan(at));

    private static uint U32(byte[] b, int at) => BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(at));

    private static float F(ReadOnlySpan<byte> s, int at) => BinaryPrimitives.ReadSingleLittleEndian(s[at..]);

    private static (TracesMapSeed Seed, Principal Principal) Member(TesseraDatabase database)
    {
        var principal = new Principal(Guid.NewGuid(), Guid.NewGuid(), new HashSet<string>(Permissions.All));
        return (new TracesMapSeed(database, principal.OrgId, principal.UserId), principal);
    }
}
