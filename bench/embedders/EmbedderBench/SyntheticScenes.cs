using SkiaSharp;

namespace EmbedderBench;

/// <summary>
/// Distinct procedural pictures (a gradient ground, a few filled shapes, a short word) from a seed, and the
/// transformed copies a retrieval query uses: crop, rotation, JPEG re-encode, blur, perspective.
/// </summary>
internal static class SyntheticScenes
{
    public const int Size = 256;

    private static readonly SKSamplingOptions Linear = new(SKFilterMode.Linear);

    public static readonly string[] Transforms = ["crop", "rotate", "jpeg", "blur", "perspective"];

    public static SKBitmap Scene(int seed)
    {
        var random = new Random(seed);
        var bitmap = new SKBitmap(Size, Size);
        using var canvas = new SKCanvas(bitmap);
        using (var ground = new SKPaint())
        {
            ground.Shader = SKShader.CreateLinearGradient(
                new SKPoint(random.Next(Size), 0), new SKPoint(random.Next(Size), Size), [Colour(random), Colour(random)], SKShaderTileMode.Clamp);
            canvas.DrawRect(0, 0, Size, Size, ground);
        }
        using var paint = new SKPaint { IsAntialias = true };
        for (var i = 0; i < 3 + random.Next(5); i++)
        {
            paint.Color = Colour(random);
            paint.Style = random.Next(3) == 0 ? SKPaintStyle.Stroke : SKPaintStyle.Fill;
            paint.StrokeWidth = 2 + random.Next(10);
            float x = random.Next(Size), y = random.Next(Size), w = 20 + random.Next(120), h = 20 + random.Next(120);
            switch (random.Next(4))
            {
                case 0: canvas.DrawRect(x - w / 2, y - h / 2, w, h, paint); break;
                case 1: canvas.DrawOval(x, y, w / 2, h / 2, paint); break;
                case 2: canvas.DrawLine(x, y, random.Next(Size), random.Next(Size), paint); break;
                default:
                    canvas.Save();
                    canvas.RotateDegrees(random.Next(90), x, y);
                    canvas.DrawRoundRect(x - w / 2, y - h / 2, w, h, 8, 8, paint);
                    canvas.Restore();
                    break;
            }
        }
        using var font = new SKFont(SKTypeface.Default, 20 + random.Next(30));
        paint.Color = Colour(random);
        paint.Style = SKPaintStyle.Fill;
        var word = new string([.. Enumerable.Range(0, 3 + random.Next(5)).Select(_ => (char)('A' + random.Next(26)))]);
        canvas.DrawText(word, random.Next(Size / 2), 30 + random.Next(Size - 40), SKTextAlign.Left, font, paint);
        return bitmap;
    }

    public static byte[] Png(SKBitmap bitmap) => Encode(bitmap, SKEncodedImageFormat.Png, 100);

    public static byte[] Transformed(SKBitmap source, string transform, int seed)
    {
        var random = new Random(seed);
        return transform switch
        {
            "crop" => Draw(source, (canvas, image) =>
            {
                // Keep 70–85 % of each side, at a random offset, scaled back up.
                var keep = 0.70f + 0.15f * (float)random.NextDouble();
                var side = Size * keep;
                float left = (float)random.NextDouble() * (Size - side), top = (float)random.NextDouble() * (Size - side);
                canvas.DrawImage(image, SKRect.Create(left, top, side, side), SKRect.Create(0, 0, Size, Size), Linear);
            }, SKEncodedImageFormat.Png),
            "rotate" => Draw(source, (canvas, image) =>
            {
                canvas.Clear(SKColors.White);
                canvas.RotateDegrees((random.Next(2) == 0 ? -1 : 1) * (8 + random.Next(18)), Size / 2f, Size / 2f);
                canvas.DrawImage(image, 0, 0, Linear);
            }, SKEncodedImageFormat.Png),
            "jpeg" => Encode(source, SKEncodedImageFormat.Jpeg, 20 + random.Next(20)),
            "blur" => Draw(source, (canvas, image) =>
            {
                using var paint = new SKPaint { ImageFilter = SKImageFilter.CreateBlur(2.5f + 1.5f * (float)random.NextDouble(), 2.5f + 1.5f * (float)random.NextDouble()) };
                canvas.DrawImage(image, 0, 0, Linear, paint);
            }, SKEncodedImageFormat.Png),
            "perspective" => Draw(source, (canvas, image) =>
            {
                canvas.Clear(SKColors.White);
                var skew = SKMatrix.CreateIdentity();
                skew.Persp0 = (float)((random.NextDouble() - 0.5) * 0.002);
                skew.Persp1 = (float)((random.NextDouble() - 0.5) * 0.002);
                canvas.SetMatrix(skew);
                canvas.DrawImage(image, 0, 0, Linear);
            }, SKEncodedImageFormat.Png),
            _ => throw new ArgumentOutOfRangeException(nameof(transform), transform, null),
        };
    }

    private static byte[] Draw(SKBitmap source, Action<SKCanvas, SKImage> draw, SKEncodedImageFormat format)
    {
        using var image = SKImage.FromBitmap(source);
        using var target = new SKBitmap(Size, Size);
        using (var canvas = new SKCanvas(target)) draw(canvas, image);
        return Encode(target, format, 100);
    }

    private static byte[] Encode(SKBitmap bitmap, SKEncodedImageFormat format, int quality)
    {
        using var data = bitmap.Encode(format, quality);
        return data.ToArray();
    }

    private static SKColor Colour(Random random) => new((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256));
}
