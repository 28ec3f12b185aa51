using SkiaSharp;
using Tessera.Core.Errors;
using Tessera.Inference.Classical;
using Tessera.Inference.Embeddings;
using Tessera.Inference.Tests.Pretrained;

namespace Tessera.Inference.Tests.Classical;

/// <summary>The classical text and image defaults: registered and named as classical, and behaving as described.</summary>
public sealed class ClassicalEmbedderTests
{
    [Fact]
    public async Task Both_defaults_are_registered_as_classical_with_their_modality()
    {
        var registry = new EmbedderRegistry(PretrainedEmbedders.All(PretrainedModels.Options));
        var text = await registry.GetAsync(HashedNgramTextEmbedder.ModelName);
        var image = await registry.GetImageAsync(ColourGradientHashImageEmbedder.ModelName);
        Assert.Equal((EmbedderOrigin.Classical, EmbeddingModality.Text, 1024), (text.Descriptor.Origin, text.Descriptor.Modality, text.Descriptor.Dimension));
        Assert.Equal((EmbedderOrigin.Classical, EmbeddingModality.Image, 160), (image.Descriptor.Origin, image.Descriptor.Modality, image.Descriptor.Dimension));
        Assert.All(registry.Named.Where(n => n.Name.StartsWith("tessera-", StringComparison.Ordinal)), n => Assert.Equal(EmbedderOrigin.Classical, n.Origin));
    }

    [Fact]
    public void Texts_sharing_words_and_spellings_are_closer_than_unrelated_ones()
    {
        var query = HashedNgramTextEmbedder.Embed("protein embeddings for peptide search");
        var related = HashedNgramTextEmbedder.Embed("Peptide search with protein embedding models");
        var unrelated = HashedNgramTextEmbedder.Embed("The weather in Lisbon was sunny all week.");
        Assert.Equal(1f, query.Sum(x => x * x), 4);
        Assert.True(PretrainedModels.Cosine(query, related) > PretrainedModels.Cosine(query, unrelated) + 0.3f);
        Assert.Equal(query, HashedNgramTextEmbedder.Embed("PROTEIN  embeddings for peptide search"));
    }

    [Fact]
    public void The_same_picture_resized_stays_close_and_another_picture_does_not()
    {
        using var small = TestImages.Scene(320, 240);
        using var large = TestImages.Scene(960, 720);
        using var other = new SKBitmap(320, 240);
        using (var canvas = new SKCanvas(other))
        {
            canvas.Clear(new SKColor(30, 30, 90));
            using var paint = new SKPaint { Color = SKColors.Yellow };
            canvas.DrawRect(100, 20, 60, 200, paint);
        }
        var a = ColourGradientHashImageEmbedder.Embed(TestImages.Encode(small));
        var b = ColourGradientHashImageEmbedder.Embed(TestImages.Encode(large));
        var c = ColourGradientHashImageEmbedder.Embed(TestImages.Encode(other));
        Assert.True(PretrainedModels.Cosine(a, b) > 0.9f, $"resized: {PretrainedModels.Cosine(a, b)}");
        Assert.True(PretrainedModels.Cosine(a, c) < 0.6f, $"different: {PretrainedModels.Cosine(a, c)}");
    }

    [Fact]
    public void A_truncated_image_is_an_error_for_the_classical_embedder_too()
    {
        using var scene = TestImages.Scene(320, 240);
        var jpeg = TestImages.Encode(scene);
        Assert.Throws<TesseraException>(() => ColourGradientHashImageEmbedder.Embed(jpeg.AsSpan(0, jpeg.Length / 2)));
    }
}
