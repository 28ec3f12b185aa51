using SkiaSharp;
using Tessera.Core.Errors;

namespace Tessera.Guides.Anchors;

/// <summary>
/// Draws an operation log on a screenshot with SkiaSharp (CPU raster, antialiased) and encodes the result as PNG: the
/// same source and operations give the same bytes. Text is set in the font at <c>guides:annotation_font_path</c>
/// (DejaVu Sans from Debian's <c>fonts-dejavu-core</c> by default), so it does not depend on what fonts a machine has.
/// </summary>
internal sealed class AnnotationRenderer(GuidesSettings settings)
{
    /// <summary>The size of a PNG screenshot; a 422 when the bytes are no image.</summary>
    public static (int Width, int Height) SizeOf(byte[] png)
    {
        using var codec = SKCodec.Create(new MemoryStream(png)) ?? throw NotAnImage();
        return (codec.Info.Width, codec.Info.Height);
    }

    public byte[] Render(byte[] source, IReadOnlyList<AnnotationOp> ops)
    {
        ArgumentNullException.ThrowIfNull(ops);
        using var bitmap = SKBitmap.Decode(source) ?? throw NotAnImage();
        using var surface = SKSurface.Create(new SKImageInfo(bitmap.Width, bitmap.Height, SKColorType.Rgba8888, SKAlphaType.Premul));
        var canvas = surface.Canvas;
        using (var original = SKImage.FromBitmap(bitmap))
            canvas.DrawImage(original, 0, 0, SKSamplingOptions.Default, null);
        using var typeface = ops.OfType<TextOp>().Any() ? Typeface() : null;
        foreach (var op in ops)
        {
            switch (op)
            {
                case ArrowOp arrow:
                    DrawArrow(canvas, arrow);
                    break;
                case RectOp { Kind: "blur" } blur:
                    Blur(surface, blur);
                    break;
                case RectOp rect:
                    using (var paint = Paint(rect.Color, rect.Kind == "highlight" ? SKPaintStyle.Fill : SKPaintStyle.Stroke, rect.Width))
                    {
                        if (rect.Kind == "highlight") paint.Color = paint.Color.WithAlpha((byte)Math.Round(rect.Opacity * 255));
                        canvas.DrawRect(SKRect.Create(rect.X, rect.Y, rect.W, rect.H), paint);
                    }
                    break;
                case TextOp text:
                    using (var paint = Paint(text.Color, SKPaintStyle.Fill, 0))
                    using (var font = new SKFont(typeface, text.Size))
                        canvas.DrawText(text.Text, text.X, text.Y, SKTextAlign.Left, font, paint);
                    break;
            }
        }
        canvas.Flush();
        using var image = surface.Snapshot();
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    private static void DrawArrow(SKCanvas canvas, ArrowOp arrow)
    {
        using var paint = Paint(arrow.Color, SKPaintStyle.Stroke, arrow.Width);
        paint.StrokeCap = SKStrokeCap.Round;
        canvas.DrawLine(arrow.X1, arrow.Y1, arrow.X2, arrow.Y2, paint);
        // The head: a filled triangle at the tip, sized by the line's width, along the line's direction.
        var angle = Math.Atan2(arrow.Y2 - arrow.Y1, arrow.X2 - arrow.X1);
        var length = 3.5f * arrow.Width + 6;
        using var builder = new SKPathBuilder();
        builder.MoveTo(arrow.X2, arrow.Y2);
        builder.LineTo(arrow.X2 - length * (float)Math.Cos(angle - 0.45), arrow.Y2 - length * (float)Math.Sin(angle - 0.45));
        builder.LineTo(arrow.X2 - length * (float)Math.Cos(angle + 0.45), arrow.Y2 - length * (float)Math.Sin(angle + 0.45));
        builder.Close();
        using var head = builder.Detach();
        using var fill = Paint(arrow.Color, SKPaintStyle.Fill, 0);
        canvas.DrawPath(head, fill);
    }

    /// <summary>Redraws the rectangle blurred from what is drawn so far, clipped to it: what was there cannot be read back.</summary>
    private static void Blur(SKSurface surface, RectOp blur)
    {
        using var snapshot = surface.Snapshot();
        using var filter = SKImageFilter.CreateBlur(blur.Radius, blur.Radius, SKShaderTileMode.Clamp);
        using var paint = new SKPaint { ImageFilter = filter };
        var canvas = surface.Canvas;
        canvas.Save();
        canvas.ClipRect(SKRect.Create(blur.X, blur.Y, blur.W, blur.H));
        canvas.DrawImage(snapshot, 0, 0, SKSamplingOptions.Default, paint);
        canvas.Restore();
    }

    private static SKPaint Paint(string color, SKPaintStyle style, float width) =>
        new() { Color = SKColor.Parse(color), Style = style, StrokeWidth = width, IsAntialias = true };

    private SKTypeface Typeface() =>
        SKTypeface.FromFile(settings.AnnotationFontPath)
        ?? throw new TesseraException(GuidesErrorCodes.ToolFailed, 503, $"The font at {settings.AnnotationFontPath} (guides:annotation_font_path) cannot be read; install fonts-dejavu-core or set the setting.");

    private static TesseraException NotAnImage() =>
        new(GuidesErrorCodes.AnnotationInvalid, 422, "The screenshot is not an image SkiaSharp can decode.");
}
