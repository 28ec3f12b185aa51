using Tessera.Inference.Embeddings;
using Tessera.Inference.Tokenizers;

namespace Tessera.Inference.Tests.Pretrained;

/// <summary>The uncased WordPiece tokenizer against the package's tokenizer and BERT's documented rules.</summary>
public sealed class WordPieceTokenizerTests
{
    private static readonly Lazy<WordPieceTokenizer> Tokenizer = new(() =>
        WordPieceTokenizer.FromVocabulary(PretrainedEmbedders.MiniLmModel(PretrainedModels.Options.ModelsDirectory).Vocabulary.ReadAllBytes()));

    private static string[] Tokens(string text) => Tokenizer.Value.Encode(text).Select(Tokenizer.Value.Token).ToArray();

    [Fact]
    public void Golden_sentences_get_the_package_tokenizer_ids()
    {
        foreach (var golden in PretrainedModels.Goldens)
        {
            int[] expected = [.. golden.Ids];
            int[] actual = [Tokenizer.Value.ClsId, .. Tokenizer.Value.Encode(golden.Text), Tokenizer.Value.SepId];
            Assert.Equal(expected, actual);
        }
    }

    [Fact]
    public void Text_is_lower_cased_and_accents_are_stripped()
    {
        Assert.Equal(["cafe", "naive"], Tokens("CAFÉ Naïve"));
        Assert.Equal(Tokens("creme brulee a zurich"), Tokens("Crème BRÛLÉE à Zürich"));
        // Greek capitals fold through the generated table (invariant globalization has no NFD here)
        Assert.Equal(Tokens("αθηναι"), Tokens("ἈΘῆΝΑΙ"));
    }

    [Fact]
    public void Punctuation_splits_words_and_ascii_symbols_count_as_punctuation()
    {
        Assert.Equal(["don", "'", "t", "stop", "-", "me", "$", "5", "^", "2"], Tokens("don't stop-me $5^2"));
    }

    [Fact]
    public void Unknown_words_become_one_unk_and_control_characters_vanish()
    {
        Assert.Equal(["hello", "[UNK]", "world"], Tokens("hello \U0001F642\U0001F642 wor\u0000ld\u200B"));
        Assert.Equal(["[UNK]"], Tokens(new string('a', 101)));
    }

    [Fact]
    public void Cjk_ideographs_are_single_words()
    {
        var ids = Tokenizer.Value.Encode("東京abc");
        Assert.Equal(3, ids.Count);
        Assert.Equal("abc", Tokenizer.Value.Token(ids[2]));
    }
}
