using System.Text;
using Tessera.Chem.Molecules;
using Tessera.Core.Errors;

namespace Tessera.Chem.Tests.Molecules;

/// <summary>Cutting uploads into records, so each structure is normalised and rejected on its own.</summary>
public class StructureRecordsTests
{
    private static Task<IReadOnlyList<StructureRecord>> ReadAsync(string text, string format, int max = 100) =>
        StructureRecords.ReadAsync(new MemoryStream(Encoding.UTF8.GetBytes(text)), format, max, CancellationToken.None);

    [Fact]
    public async Task Sdf_entries_end_at_dollars_and_take_their_first_line_as_title()
    {
        var records = await ReadAsync("one\n  x\n\nM  END\n$$$$\ntwo\n  y\n\nM  END\n$$$$\n\n", "sdf");
        Assert.Equal([(1, "one"), (2, "two")], records.Select(r => (r.Index, r.Title!)));
        Assert.EndsWith("$$$$\n", records[1].Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Mol2_entries_start_at_the_molecule_section()
    {
        var records = await ReadAsync("@<TRIPOS>MOLECULE\nfirst\n 1 0\n@<TRIPOS>ATOM\n@<TRIPOS>MOLECULE\nsecond\n", "mol2");
        Assert.Equal(["first", "second"], records.Select(r => r.Title!));
    }

    [Fact]
    public async Task Smiles_lines_skip_blanks_and_comments_and_keep_titles()
    {
        var records = await ReadAsync("# set\nCCO ethanol\n\n  c1ccccc1\n", "smi");
        Assert.Equal([("CCO\n", "ethanol"), ("c1ccccc1\n", null)], records.Select(r => (r.Text, r.Title)));
    }

    [Fact]
    public async Task Csv_reads_the_smiles_column_with_quoting_and_a_name_column_as_title()
    {
        var records = await ReadAsync("Name,SMILES,note\n\"acid, acetic\",CC(=O)O,x\nwater,O,\"a \"\"quote\"\"\"\n", "csv");
        Assert.Equal([("CC(=O)O\n", "acid, acetic"), ("O\n", "water")], records.Select(r => (r.Text, r.Title)));
        var missing = await Assert.ThrowsAsync<TesseraException>(() => ReadAsync("name,structure\nx,C\n", "csv"));
        Assert.Equal(400, missing.Status);
    }

    [Fact]
    public async Task More_records_than_the_limit_are_refused_whole()
    {
        var error = await Assert.ThrowsAsync<TesseraException>(() => ReadAsync("C\nCC\nCCC\n", "smi", max: 2));
        Assert.Equal((ChemErrorCodes.TooManyRecords, 413), (error.Code, error.Status));
    }

    [Fact]
    public void Formats_come_from_the_extension_unless_named()
    {
        Assert.Equal("sdf", StructureFormats.Resolve(null, "x.SD"));
        Assert.Equal("pdbqt", StructureFormats.Resolve(null, "r.pdbqt"));
        Assert.Equal("mol2", StructureFormats.Resolve("MOL2", "x.txt"));
        Assert.Equal(ChemErrorCodes.UnknownFormat, Assert.Throws<TesseraException>(() => StructureFormats.Resolve("xyz", "x.xyz")).Code);
    }
}
