using SkiaSharp;
using Tessera.Core.Errors;

namespace Tessera.Inference.Images;

/// <summary>
/// Encoded image bytes (JPEG, PNG, WebP, GIF, BMP…) to the square RGB input a vision network expects: decoded with
/// SkiaSharp's codec, whose result reports a truncated or corrupt file (which is then an error, not a half-grey
/// picture), turned upright by its EXIF orientation, composited on white where it has alpha, resized so the shorter
/// side is <c>size</c> and centre-cropped.
/// </summary>
public static class ImageDecoder
{
    /// <summary>Planar RGB, values 0–255, <c>[3, size, size]</c>.</summary>
    public static float[] ToPlanarRgb(ReadOnlySpan<byte> encoded, int size)
    {
        using var upright = Decode(encoded, out var origin);
        using var surface = SKSurface.Create(new SKImageInfo(size, size, SKColorType.Rgba8888, SKAlphaType.Premul))
            ?? throw new InvalidOperationException("Could not allocate an image surface.");
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        canvas.SetMatrix(Placement(upright.Width, upright.Height, origin, size));
        using (var image = SKImage.FromBitmap(upright))
        {
            canvas.DrawImage(image, 0, 0, new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear));
        }
        canvas.Flush();
        using var pixels = new SKBitmap(new SKImageInfo(size, size, SKColorType.Rgba8888, SKAlphaType.Premul));
        if (!surface.ReadPixels(pixels.Info, pixels.GetPixels(), pixels.RowBytes, 0, 0))
            throw new InvalidOperationException("Could not read the resized image back.");
        var rgba = pixels.GetPixelSpan();
        var planar = new float[3 * size * size];
        var plane = size * size;
        for (var i = 0; i < plane; i++)
        {
            planar[i] = rgba[i * 4];
            planar[plane + i] = rgba[i * 4 + 1];
            planar[2 * plane + i] = rgba[i * 4 + 2];
        }
        return planar;
    }

    private static SKBitmap Decode(ReadOnlySpan<byte> encoded, out SKEncodedOrigin origin)
    {
        using var stream = new MemoryStream(encoded.ToArray(), writable: false);
        using var codec = SKCodec.Create(stream, out var opened);
        if (codec is null) throw Invalid($"the data is not an image this decoder reads ({opened})");
        origin = codec.EncodedOrigin;
        var info = new SKImageInfo(codec.Info.Width, codec.Info.Height, SKColorType.Rgba8888, SKAlphaType.Premul);
        var bitmap = new SKBitmap(info);
        var result = codec.GetPixels(info, bitmap.GetPixels());
        if (result != SKCodecResult.Success)
        {
            bitmap.Dispose();
            throw Invalid(result == SKCodecResult.IncompleteInput ? "the file is truncated" : $"the file is corrupt ({result})");
        }
        return bitmap;
    }

    /// <summary>Maps stored pixels to the output square: EXIF orientation, then scale the shorter side to size, then centre.</summary>
    private static SKMatrix Placement(int width, int height, SKEncodedOrigin origin, int size)
    {
        var orient = origin switch
        {
            SKEncodedOrigin.TopRight => new SKMatrix(-1, 0, width, 0, 1, 0, 0, 0, 1),
            SKEncodedOrigin.BottomRight => new SKMatrix(-1, 0, width, 0, -1, height, 0, 0, 1),
            SKEncodedOrigin.BottomLeft => new SKMatrix(1, 0, 0, 0, -1, height, 0, 0, 1),
            SKEncodedOrigin.LeftTop => new SKMatrix(0, 1, 0, 1, 0, 0, 0, 0, 1),
            SKEncodedOrigin.RightTop => new SKMatrix(0, -1, height, 1, 0, 0, 0, 0, 1),
            SKEncodedOrigin.RightBottom => new SKMatrix(0, -1, height, -1, 0, width, 0, 0, 1),
            SKEncodedOrigin.LeftBottom => new SKMatrix(0, 1, 0, -1, 0, width, 0, 0, 1),
            _ => SKMatrix.Identity,
        };
        var swapped = origin is SKEncodedOrigin.LeftTop or SKEncodedOrigin.RightTop or SKEncodedOrigin.RightBottom or SKEncodedOrigin.LeftBottom;
        var (uprightWidth, uprightHeight) = swapped ? (height, width) : (width, height);
        var scale = (float)size / Math.Min(uprightWidth, uprightHeight);
        var fit = new SKMatrix(scale, 0, (size - uprightWidth * scale) / 2, 0, scale, (size - uprightHeight * scale) / 2, 0, 0, 1);
        return SKMatrix.Concat(fit, orient);
    }

    private static TesseraException Invalid(string why) => TesseraException.Validation($"The image could not be decoded: {why}.");
}
