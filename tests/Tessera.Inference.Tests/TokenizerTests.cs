using Tessera.Inference.Tokenizers;

namespace Tessera.Inference.Tests;

/// <summary>The documented tokenizer rules, one edge case each (the fixture's 39 sequences are checked in <see cref="EsmFixtureTests"/>).</summary>
public sealed class TokenizerTests
{
    private static readonly EsmTokenizer Tokenizer = EsmTokenizer.Default;

    [Theory]
    [InlineData("MK", new[] { 0, 20, 15, 2 })]
    [InlineData("mk", new[] { 0, 20, 15, 2 })]
    [InlineData(" M\tK\r\n", new[] { 0, 20, 15, 2 })]
    [InlineData("M*K", new[] { 0, 20, 3, 15, 2 })]
    [InlineData("M**", new[] { 0, 20, 3, 3, 2 })]
    [InlineData("M-.K", new[] { 0, 20, 30, 29, 15, 2 })]
    [InlineData("M<mask>K", new[] { 0, 20, 32, 15, 2 })]
    [InlineData("<mask>", new[] { 0, 32, 2 })]
    [InlineData("XBUZO", new[] { 0, 24, 25, 26, 27, 28, 2 })]
    [InlineData("J1", new[] { 0, 3, 3, 2 })]
    [InlineData("<MASK>", new[] { 0, 3, 20, 5, 8, 15, 3, 2 })]
    public void Encodes_with_the_documented_rules(string sequence, int[] expected) =>
        Assert.Equal(expected, Tokenizer.Encode(sequence));

    [Fact]
    public void The_fixture_vocabulary_equals_the_built_in_alphabet()
    {
        var fromFile = EsmTokenizer.FromVocabularyFile(Path.Combine(Fixtures.EsmTiny, "vocab.txt"));
        Assert.Equal(33, fromFile.Vocabulary.Count);
        Assert.Equal(EsmAlphabet.Tokens, fromFile.Vocabulary);
        Assert.Equal((0, 1, 2, 3, 32), (fromFile.ClsId, fromFile.PadId, fromFile.EosId, fromFile.UnkId, fromFile.MaskId));
    }
}
