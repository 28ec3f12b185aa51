using System.Text;
using Tessera.Core.Errors;
using Tessera.Omics.Parsing;
using Tessera.Testing;

namespace Tessera.Omics.Tests;

public class PeptideFileParserTests
{
    private static Task<ParseResult> Parse(string text, ParseLimits? limits = null) =>
        PeptideFileParser.ParseAsync(new MemoryStream(Encoding.UTF8.GetBytes(text)), limits ?? new ParseLimits());

    [Fact]
    public async Task Fasta_sequences_spread_over_lines_are_joined_stripped_and_upper_cased()
    {
        var result = await Parse(">p1 first peptide\nacd ef\r\nGHIK\n\n>p2\nLMN\n");
        Assert.Equal(PeptideFileFormat.Fasta, result.Format);
        Assert.Equal(["p1", "p2"], result.Records.Select(r => r.Id));
        Assert.Equal("ACDEFGHIK", result.Records[0].Sequence);
        Assert.Equal(1, result.Records[0].Line);
        Assert.Equal(5, result.Records[1].Line);
        Assert.Empty(result.Errors);
    }

    [Fact]
    public async Task Records_repeating_a_sequence_share_one_string()
    {
        var result = await Parse(">a\nKLAKLAK\n>b\nklaklak\n>c\nGIGK\n");

        Assert.Same(result.Records[0].Sequence, result.Records[1].Sequence);
        Assert.Equal("GIGK", result.Records[2].Sequence);
    }

    [Fact]
    public async Task Csv_needs_a_sequence_column_and_keeps_other_columns_as_metadata()
    {
        var result = await Parse("name,sequence,activity\nmagainin,GIGKFLHSAKKFGKAFVGEIMNS,\"12,5\"\nx,KK,3\n");
        Assert.Equal(PeptideFileFormat.Csv, result.Format);
        Assert.Equal("magainin", result.Records[0].Id);
        Assert.Equal("12,5", result.Records[0].Metadata["activity"]);
        Assert.Equal(2, result.Records.Count);
    }

    [Fact]
    public async Task Tsv_without_ids_numbers_its_records()
    {
        var result = await Parse("sequence\tsource\nKLAKLAK\tsynthetic\n");
        Assert.Equal(PeptideFileFormat.Tsv, result.Format);
        Assert.Equal("record_1", result.Records.Single().Id);
        Assert.Equal("synthetic", result.Records.Single().Metadata["source"]);
    }

    [Fact]
    public async Task Bad_records_are_reported_with_record_line_and_character_and_left_out()
    {
        var result = await Parse(">ok\nKLAK\n>bad\nKLJAK\n>empty\n\n>ok\nGG\n>ext\nAXBZUO\n>ambiguous\nXBZUO\n");
        Assert.Equal(["ok", "ext"], result.Records.Select(r => r.Id));
        Assert.Equal(4, result.ErrorCount);
        Assert.Equal("INVALID_RESIDUE", result.Errors[0].Code);
        Assert.Contains("'J' at position 3", result.Errors[0].Message, StringComparison.Ordinal);
        Assert.Equal(3, result.Errors[0].Line);
        Assert.Equal("EMPTY_SEQUENCE", result.Errors[1].Code);
        Assert.Equal("DUPLICATE_ID", result.Errors[2].Code);
        // Ambiguity codes alone: no embedder can describe the record, so it is rejected here rather than fail the embedding job.
        Assert.Equal("NO_STANDARD_RESIDUE", result.Errors[3].Code);
        Assert.Equal(6, result.RecordCount);
    }

    [Fact]
    public async Task Only_the_first_errors_are_kept_but_all_are_counted()
    {
        var text = string.Concat(Enumerable.Range(0, 250).Select(i => $">r{i}\nKJ\n"));
        var result = await Parse(text);
        Assert.Equal(100, result.Errors.Count);
        Assert.Equal(250, result.ErrorCount);
        Assert.False(result.HasValidRecords);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("\n\n  \n", "empty")]
    [InlineData("KLAKLAK\nGIGKFLHS\n", "neither FASTA")]
    [InlineData("id,peptide\n1,KLAK\n", "no 'sequence' column")]
    public async Task Unrecognisable_files_are_refused_with_a_clear_reason(string text, string reason)
    {
        var error = await Assert.ThrowsAsync<TesseraException>(() => Parse(text));
        Assert.Equal(422, error.Status);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Binary_garbage_is_refused_as_not_text()
    {
        var bytes = new byte[4096];
        new Random(7).NextBytes(bytes);
        bytes[0] = (byte)'>';
        var error = await Assert.ThrowsAsync<TesseraException>(() => PeptideFileParser.ParseAsync(new MemoryStream(bytes), new ParseLimits()));
        Assert.Contains("not text", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_oversized_line_is_refused_without_being_buffered_and_names_its_limit()
    {
        var limits = new ParseLimits { MaxLineLength = 1000 };
        var error = await Assert.ThrowsAsync<TesseraException>(() => Parse(">x\n" + new string('A', 5000) + "\n", limits));
        Assert.Equal(OmicsLimits.LimitExceededCode, error.Code);
        Assert.Equal(ParseLimits.MaxLineLengthSetting, error.Extensions["limit"]);
    }

    [Fact]
    public async Task Record_count_and_sequence_length_limits_name_their_setting()
    {
        var count = await Assert.ThrowsAsync<TesseraException>(() => Parse(">a\nK\n>b\nK\n>c\nK\n", new ParseLimits { MaxRecords = 2 }));
        Assert.Equal(ParseLimits.MaxRecordsSetting, count.Extensions["limit"]);
        var length = await Assert.ThrowsAsync<TesseraException>(() => Parse(">a\nKKKKKK\n", new ParseLimits { MaxSequenceLength = 5 }));
        Assert.Equal(ParseLimits.MaxSequenceLengthSetting, length.Extensions["limit"]);
        Assert.Contains("6 residues", length.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_shared_amp_fixture_parses_completely()
    {
        await using var file = File.OpenRead(Path.Combine(RepoPaths.Fixtures, "peptides", "amp_modlamp", "seqs.fasta"));
        var result = await PeptideFileParser.ParseAsync(file, new ParseLimits());
        Assert.Equal(2579, result.RecordCount);
        Assert.Equal(result.RecordCount, result.Records.Count + result.ErrorCount);
    }
}
