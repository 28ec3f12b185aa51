using Tessera.Core.Errors;
using Tessera.Inference.Sequences;

namespace Tessera.Inference.Tests;

public sealed class FastaReaderTests
{
    [Fact]
    public void Reads_multi_line_records_with_ids_and_descriptions()
    {
        var records = FastaReader.Read(new StringReader(";comment\n>P1 first protein\nMKT\n  VRQ \n\n>P2\nGLW\n"));
        Assert.Equal([new FastaRecord("P1", "first protein", "MKTVRQ"), new FastaRecord("P2", "", "GLW")], records);
    }

    [Fact]
    public void The_fixture_sequences_read_as_39_records()
    {
        var records = FastaReader.ReadFile(Path.Combine(Fixtures.EsmTiny, "sequences.fasta"));
        Assert.Equal(39, records.Count);
        Assert.Equal("s09|hf_sample_3_mask", records[9].Id);
        Assert.Equal(1022, records[38].Sequence.Length);
    }

    [Theory]
    [InlineData("MKT\n>P1\nMK", "line 1 comes before the first '>' header")]
    [InlineData(">P1\n>P2\nMK", "record 'P1' in input has no sequence")]
    [InlineData("\n\n", "holds no FASTA records")]
    public void Malformed_input_is_a_validation_error(string text, string message) =>
        Assert.Contains(message, Assert.Throws<TesseraException>(() => FastaReader.Read(new StringReader(text))).Message, StringComparison.Ordinal);
}
