using Microsoft.Extensions.AI;
using Tessera.Core.Hashing;
using Tessera.Inference.Embeddings;
using Tessera.Inference.Images;

namespace Tessera.Inference.Classical;

/// <summary>
/// The classical image default, for when no pretrained model is wanted: the picture decoded like the ResNet input
/// (EXIF orientation, alpha on white, shorter side resized and centre-cropped, here to 64 px), then three blocks of
/// equal weight, each L2-normalised: a 4×4×4 RGB colour histogram (64), gradient-orientation histograms of 8 bins in
/// a 2×2 grid weighted by gradient magnitude (32), and a 64-bit DCT perceptual hash as ±1 (64). Finds near-duplicates
/// and recolourings' absence; no notion of objects.
/// </summary>
public sealed class ColourGradientHashImageEmbedder : ITesseraImageEmbedder
{
    public const string ModelName = "tessera-image-colour-gradient-phash-v1";
    public const int DimensionValue = 64 + 32 + 64;
    private const int Side = 64;
    private const string Definition = "decode 64 centre-crop; rgb 4x4x4 hist; sobel orientation 8 bins x 2x2 cells, magnitude-weighted; dct phash 32->8x8 vs median as +-1; blocks l2 then /sqrt3";

    private readonly TimeProvider _time;

    public ColourGradientHashImageEmbedder(TimeProvider time)
    {
        _time = time;
        Descriptor = new EmbedderDescriptor(ModelName, DimensionValue, Sha256Hex.Of(Definition), EmbeddingPooling.WholeSequence, $"resize shorter side to {Side}, centre crop")
        {
            Modality = EmbeddingModality.Image,
            Origin = EmbedderOrigin.Classical,
        };
    }

    public EmbedderDescriptor Descriptor { get; }

    public static float[] Embed(ReadOnlySpan<byte> encodedImage)
    {
        var rgb = ImageDecoder.ToPlanarRgb(encodedImage, Side);
        const int plane = Side * Side;
        var gray = new float[plane];
        var vector = new float[DimensionValue];
        var colour = vector.AsSpan(0, 64);
        for (var i = 0; i < plane; i++)
        {
            float r = rgb[i], g = rgb[plane + i], b = rgb[2 * plane + i];
            gray[i] = 0.299f * r + 0.587f * g + 0.114f * b;
            colour[(int)(r / 64) * 16 + (int)(g / 64) * 4 + (int)(b / 64)] += 1;
        }
        GradientHistograms(gray, vector.AsSpan(64, 32));
        PerceptualHash(gray, vector.AsSpan(96, 64));
        FeatureHashing.L2Normalize(vector.AsSpan(0, 64));
        FeatureHashing.L2Normalize(vector.AsSpan(64, 32));
        FeatureHashing.L2Normalize(vector.AsSpan(96, 64));
        FeatureHashing.L2Normalize(vector);
        return vector;
    }

    private static void GradientHistograms(float[] gray, Span<float> histograms)
    {
        for (var y = 1; y < Side - 1; y++)
        {
            for (var x = 1; x < Side - 1; x++)
            {
                float At(int dx, int dy) => gray[(y + dy) * Side + x + dx];
                var gx = At(1, -1) + 2 * At(1, 0) + At(1, 1) - At(-1, -1) - 2 * At(-1, 0) - At(-1, 1);
                var gy = At(-1, 1) + 2 * At(0, 1) + At(1, 1) - At(-1, -1) - 2 * At(0, -1) - At(1, -1);
                var magnitude = MathF.Sqrt(gx * gx + gy * gy);
                if (magnitude == 0) continue;
                var bin = (int)((MathF.Atan2(gy, gx) + MathF.PI) / (2 * MathF.PI) * 8) % 8;
                var cell = (y * 2 / Side) * 2 + x * 2 / Side;
                histograms[cell * 8 + bin] += magnitude;
            }
        }
    }

    /// <summary>pHash: 32×32 grey (2×2 means), 2-D DCT-II, the 8×8 lowest frequencies compared with their median.</summary>
    private static void PerceptualHash(float[] gray, Span<float> bits)
    {
        const int n = 32;
        var small = new double[n * n];
        for (var y = 0; y < n; y++)
            for (var x = 0; x < n; x++)
                small[y * n + x] = (gray[2 * y * Side + 2 * x] + gray[2 * y * Side + 2 * x + 1] + gray[(2 * y + 1) * Side + 2 * x] + gray[(2 * y + 1) * Side + 2 * x + 1]) / 4;
        var coefficients = new double[64];
        for (var v = 0; v < 8; v++)
        {
            for (var u = 0; u < 8; u++)
            {
                double sum = 0;
                for (var y = 0; y < n; y++)
                    for (var x = 0; x < n; x++)
                        sum += small[y * n + x] * Math.Cos((2 * x + 1) * u * Math.PI / (2 * n)) * Math.Cos((2 * y + 1) * v * Math.PI / (2 * n));
                coefficients[v * 8 + u] = sum;
            }
        }
        var median = coefficients.Order().ElementAt(32);
        for (var i = 0; i < 64; i++) bits[i] = coefficients[i] > median ? 1 : -1;
    }

    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<DataContent> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default) =>
        EmbeddingResults.EachImageAsync(values, data => Embed(data.Span), Descriptor, _time, cancellationToken);

    public object? GetService(Type serviceType, object? serviceKey = null) => EmbeddingResults.Service(this, serviceType, serviceKey);

    public void Dispose()
    {
    }
}
