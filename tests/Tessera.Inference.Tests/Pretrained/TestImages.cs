using SkiaSharp;

namespace Tessera.Inference.Tests.Pretrained;

/// <summary>Synthetic pictures drawn with SkiaSharp, asymmetric so that a rotation changes what the network sees.</summary>
internal static class TestImages
{
    /// <summary>A scene of shapes on a gradient, drawn at any size (the same scene at every size).</summary>
    public static SKBitmap Scene(int width, int height, bool transparentBackground = false)
    {
        var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        using var canvas = new SKCanvas(bitmap);
        canvas.Scale(width / 320f, height / 240f);
        canvas.Clear(transparentBackground ? SKColors.Transparent : SKColors.White);
        if (!transparentBackground)
        {
            using var shader = SKShader.CreateLinearGradient(new SKPoint(0, 0), new SKPoint(320, 240), [new SKColor(250, 230, 120), new SKColor(60, 120, 200)], SKShaderTileMode.Clamp);
            using var background = new SKPaint { Shader = shader };
            canvas.DrawRect(0, 0, 320, 240, background);
        }
        using var paint = new SKPaint { IsAntialias = true };
        paint.Color = new SKColor(220, 30, 30);
        canvas.DrawCircle(70, 60, 45, paint);
        paint.Color = new SKColor(20, 140, 40);
        canvas.DrawRect(180, 130, 110, 80, paint);
        paint.Color = new SKColor(30, 30, 30);
        paint.StrokeWidth = 9;
        paint.Style = SKPaintStyle.Stroke;
        canvas.DrawLine(20, 220, 160, 120, paint);
        canvas.DrawLine(200, 30, 300, 100, paint);
        return bitmap;
    }

    public static byte[] Encode(SKBitmap bitmap, SKEncodedImageFormat format = SKEncodedImageFormat.Jpeg, int quality = 92)
    {
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(format, quality);
        return data.ToArray();
    }

    /// <summary>The bitmap turned 90° counter-clockwise (what a camera held sideways stores).</summary>
    public static SKBitmap RotatedCounterClockwise(SKBitmap source)
    {
        var rotated = new SKBitmap(new SKImageInfo(source.Height, source.Width, SKColorType.Rgba8888, SKAlphaType.Premul));
        using var canvas = new SKCanvas(rotated);
        canvas.Translate(0, source.Width);
        canvas.RotateDegrees(-90);
        canvas.DrawBitmap(source, 0, 0, SKSamplingOptions.Default);
        return rotated;
    }

    /// <summary>A JPEG with an EXIF APP1 segment holding only the orientation tag (0x0112) inserted after SOI.</summary>
    public static byte[] WithExifOrientation(byte[] jpeg, ushort orientation)
    {
        byte[] exif =
        [
            0xFF, 0xE1, 0x00, 0x22, (byte)'E', (byte)'x', (byte)'i', (byte)'f', 0, 0,
            (byte)'M', (byte)'M', 0x00, 0x2A, 0x00, 0x00, 0x00, 0x08,
            0x00, 0x01,
            0x01, 0x12, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01, (byte)(orientation >> 8), (byte)orientation, 0x00, 0x00,
            0x00, 0x00, 0x00, 0x00,
        ];
        return [.. jpeg.AsSpan(0, 2), .. exif, .. jpeg.AsSpan(2)];
    }
}
