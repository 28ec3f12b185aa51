using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Tessera.Core.Numerics;
using Tessera.Omics.Export;
using Tessera.Omics.Storage;
using Tessera.Testing;

namespace Tessera.Omics.Tests;

public class OmicsTokenWriterTests
{
    private static readonly ExportHeader Header = new(
        new OmicsRun { Id = Guid.CreateVersion7(), Name = "demo", FileName = "d.fasta", FileSha256 = new string('a', 64), RecordCount = 3, PeptideCount = 2 },
        new EmbedderIdentity("test-embedder", 3, new string('b', 64)), "mean", "chunk", DateTimeOffset.UnixEpoch);

    private static List<ExportPeptide> Peptides()
    {
        var a = new OmicsPeptide { Sequence = "KLAK", Length = 4, MolecularWeight = 444.6, Composition = """{"K":0.5}""" };
        var b = new OmicsPeptide { Sequence = "GIG", Length = 3, Composition = """{"G":0.667}""" };
        return
        [
            new ExportPeptide("p1", a, [0.5f, -1.25f, 3f]),
            new ExportPeptide("p,2", b, [1e-7f, 0f, -0f]),
            new ExportPeptide("p3", a, [0.5f, -1.25f, 3f]),
        ];
    }

    [Fact]
    public async Task The_json_document_follows_the_documented_schema_and_its_hash_can_be_recomputed()
    {
        using var buffer = new KestrelLikeStream();
        await OmicsTokenWriter.WriteJsonAsync(buffer, Header, Peptides().ToAsyncEnumerable());
        var doc = JsonDocument.Parse(buffer.ToArray()).RootElement;

        Assert.Equal("OmicsToken", doc.GetProperty("format").GetString());
        Assert.Equal("1", doc.GetProperty("version").GetString());
        Assert.Equal(3, doc.GetProperty("embedder").GetProperty("dimension").GetInt32());
        var peptides = doc.GetProperty("peptides").EnumerateArray().ToList();
        Assert.Equal(["p1", "p,2", "p3"], peptides.Select(p => p.GetProperty("id").GetString()));
        Assert.Equal(0.5, peptides[0].GetProperty("features").GetProperty("composition").GetProperty("K").GetDouble());

        // Recompute as docs/omics-token-v1.md says, from the parsed document only.
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var p in peptides)
        {
            sha.AppendData(Encoding.UTF8.GetBytes(p.GetProperty("id").GetString()! + "\0" + p.GetProperty("sequence").GetString() + "\0"));
            foreach (var x in p.GetProperty("embedding").EnumerateArray()) sha.AppendData(BitConverter.GetBytes(x.GetSingle()));
        }
        Assert.Equal(Convert.ToHexStringLower(sha.GetHashAndReset()), doc.GetProperty("content_hash").GetString());
    }

    [Fact]
    public async Task Csv_quotes_ids_when_needed_and_lists_every_embedding_column()
    {
        using var buffer = new KestrelLikeStream();
        await OmicsTokenWriter.WriteCsvAsync(buffer, 3, Peptides().ToAsyncEnumerable());
        var lines = Encoding.UTF8.GetString(buffer.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.EndsWith(",e0,e1,e2", lines[0], StringComparison.Ordinal);
        Assert.Equal(4, lines.Length);
        Assert.StartsWith("\"p,2\",GIG,3,", lines[2], StringComparison.Ordinal);
        Assert.EndsWith(",0.5,-1.25,3", lines[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Npy_holds_the_embedding_matrix_in_export_order()
    {
        using var buffer = new KestrelLikeStream();
        await OmicsTokenWriter.WriteNpyAsync(buffer, 3, 3, Peptides().ToAsyncEnumerable());
        var array = Npy.Read(new MemoryStream(buffer.ToArray()));
        Assert.Equal((3, 3), array.Matrix);
        Assert.Equal([0.5f, -1.25f, 3f, 1e-7f, 0f, -0f, 0.5f, -1.25f, 3f], array.ToFloat32());
    }
}
