using Microsoft.Extensions.AI;
using SkiaSharp;
using Tessera.Core.Errors;
using Tessera.Inference.Embeddings;
using Tessera.Inference.Images;

namespace Tessera.Inference.Tests.Pretrained;

/// <summary>ResNet18 image features: decoding errors, EXIF orientation, alpha, resizing, and the registry entry.</summary>
public sealed class ImageEmbedderTests
{
    private static readonly Lazy<ResNetImageEmbedder> ResNet = new(() => PretrainedEmbedders.LoadResNet18(PretrainedModels.Options));

    [Fact]
    public void A_truncated_jpeg_is_an_error_not_a_half_grey_picture()
    {
        using var scene = TestImages.Scene(320, 240);
        var jpeg = TestImages.Encode(scene);
        var error = Assert.Throws<TesseraException>(() => ResNet.Value.Embed(jpeg.AsSpan(0, jpeg.Length * 6 / 10)));
        Assert.Equal(ErrorCodes.ValidationFailed, error.Code);
        Assert.Contains("truncated", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bytes_that_are_no_image_are_an_error()
    {
        var error = Assert.Throws<TesseraException>(() => ResNet.Value.Embed("not an image at all"u8));
        Assert.Contains("could not be decoded", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_picture_stored_sideways_with_an_exif_orientation_equals_the_upright_one()
    {
        using var scene = TestImages.Scene(320, 240);
        using var sideways = TestImages.RotatedCounterClockwise(scene);
        var upright = ResNet.Value.Embed(TestImages.Encode(scene));
        var sidewaysJpeg = TestImages.Encode(sideways);
        var oriented = ResNet.Value.Embed(TestImages.WithExifOrientation(sidewaysJpeg, orientation: 6));
        var ignored = ResNet.Value.Embed(sidewaysJpeg);
        var withOrientation = PretrainedModels.Cosine(upright, oriented);
        Assert.True(withOrientation > 0.98f, $"cosine with the orientation applied: {withOrientation}");
        Assert.True(PretrainedModels.Cosine(upright, ignored) < withOrientation - 0.05f, $"sideways without the tag: {PretrainedModels.Cosine(upright, ignored)}");
    }

    [Fact]
    public void The_same_picture_at_another_size_stays_close()
    {
        using var small = TestImages.Scene(320, 240);
        using var large = TestImages.Scene(1280, 960);
        var cosine = PretrainedModels.Cosine(ResNet.Value.Embed(TestImages.Encode(small)), ResNet.Value.Embed(TestImages.Encode(large, SKEncodedImageFormat.Png)));
        Assert.True(cosine > 0.9f, $"cosine {cosine}");
    }

    [Fact]
    public void Transparent_pixels_are_flattened_on_white()
    {
        using var transparent = TestImages.Scene(320, 240, transparentBackground: true);
        using var onWhite = new SKBitmap(transparent.Info);
        using (var canvas = new SKCanvas(onWhite))
        {
            canvas.Clear(SKColors.White);
            canvas.DrawBitmap(transparent, 0, 0, SKSamplingOptions.Default);
        }
        PretrainedModels.AssertClose(
            ResNet.Value.Embed(TestImages.Encode(onWhite, SKEncodedImageFormat.Png)),
            ResNet.Value.Embed(TestImages.Encode(transparent, SKEncodedImageFormat.Png)),
            1e-4f, // premultiplied-alpha rounding
            "transparent vs white background");
    }

    [Fact]
    public async Task The_registry_serves_resnet18_as_an_image_embedder_only()
    {
        var registry = new EmbedderRegistry(PretrainedEmbedders.All(PretrainedModels.Options));
        var resnet = await registry.GetImageAsync(PretrainedEmbedders.ResNet18);
        // sha256sum of ResNet18.onnx in Microsoft.ML.DnnImageFeaturizer.ResNet18 0.24.0
        Assert.Equal((512, EmbeddingModality.Image, "e2552f19db2dfdb01b3669537b6a0f1b44da38d18279535492ed5dfc2ef1ff8f"),
            (resnet.Descriptor.Dimension, resnet.Descriptor.Modality, resnet.Descriptor.ModelHash));
        await Assert.ThrowsAsync<TesseraException>(() => registry.GetAsync(PretrainedEmbedders.ResNet18));
        await Assert.ThrowsAsync<TesseraException>(() => registry.GetImageAsync(PretrainedEmbedders.MiniLm));
        using var scene = TestImages.Scene(320, 240);
        var generated = await resnet.GenerateAsync([new DataContent(TestImages.Encode(scene), "image/jpeg")]);
        Assert.Equal(1f, generated[0].Vector.ToArray().Sum(x => x * x), 4);
        Assert.Equal(PretrainedEmbedders.ResNet18, generated[0].ModelId);
    }
}
