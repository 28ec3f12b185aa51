using OpenCvSharp;

namespace Tessera.Testing;

/// <summary>
/// Phone-photo-like pictures of a card image, deterministic per seed: a cluttered background, the card at a random scale,
/// turned by any angle and tilted in perspective, then blur, glare, uneven light, noise and JPEG loss.
/// </summary>
public static class CardPhotos
{
    public const int LongSide = 1600;
    public const int ShortSide = 1200;

    /// <summary>A 1600×1200 or 1200×1600 JPEG of the card.</summary>
    public static byte[] Jpeg(byte[] cardImage, int seed) => Take(cardImage, seed).Jpeg;

    /// <summary>The photo with where the card's corners landed (top-left, top-right, bottom-right, bottom-left of the card image).</summary>
    public static CardPhoto Take(byte[] cardImage, int seed)
    {
        using var card = Cv2.ImDecode(cardImage, ImreadModes.Color);
        if (card.Empty()) throw new ArgumentException("The card image could not be decoded.", nameof(cardImage));
        var random = new Random(seed);
        using var photo = Background(random);
        var corners = Place(card.Size(), photo.Size(), random);
        using (var transform = Cv2.GetPerspectiveTransform(
            [new Point2f(0, 0), new Point2f(card.Width, 0), new Point2f(card.Width, card.Height), new Point2f(0, card.Height)], corners))
        {
            Cv2.WarpPerspective(card, photo, transform, photo.Size(), InterpolationFlags.Linear, BorderTypes.Transparent);
        }
        return new CardPhoto(Finish(photo, random), [.. corners.Select(c => (c.X, c.Y))]);
    }

    /// <summary>The same kind of photo with no card in it.</summary>
    public static byte[] WithoutCard(int seed)
    {
        var random = new Random(seed);
        using var photo = Background(random);
        return Finish(photo, random);
    }

    private static Mat Background(Random random)
    {
        var portrait = random.Next(3) == 0;
        var size = portrait ? new Size(ShortSide, LongSide) : new Size(LongSide, ShortSide);
        var photo = random.Next(2) == 0 ? Wood(size, random) : Noise(size, random);
        var clutter = random.Next(6, 16);
        for (var i = 0; i < clutter; i++)
        {
            var centre = new Point(random.Next(size.Width), random.Next(size.Height));
            var colour = new Scalar(random.Next(256), random.Next(256), random.Next(256));
            switch (random.Next(4))
            {
                case 0:
                    Cv2.Ellipse(photo, centre, new Size(random.Next(20, 220), random.Next(20, 220)), random.Next(180), 0, 360, colour, -1, LineTypes.AntiAlias);
                    break;
                case 1:
                    Cv2.Line(photo, centre, new Point(random.Next(size.Width), random.Next(size.Height)), colour, random.Next(3, 30), LineTypes.AntiAlias);
                    break;
                case 2:
                    var box = new RotatedRect(centre, new Size2f(random.Next(40, 400), random.Next(40, 300)), random.Next(180));
                    Cv2.FillConvexPoly(photo, box.Points().Select(p => new Point(p.X, p.Y)), colour, LineTypes.AntiAlias);
                    break;
                default:
                    Cv2.Circle(photo, centre, random.Next(10, 120), colour, random.Next(2, 12), LineTypes.AntiAlias);
                    break;
            }
        }
        return photo;
    }

    /// <summary>Wavy grain in browns: a table top.</summary>
    private static Mat Wood(Size size, Random random)
    {
        var pixels = new byte[size.Width * size.Height * 3];
        var brown = new[] { 40 + random.Next(40), 70 + random.Next(50), 110 + random.Next(70) }; // BGR
        var period = 8 + (random.NextDouble() * 20);
        var wave = 20 + (random.NextDouble() * 60);
        var phase = random.NextDouble() * 10;
        for (var y = 0; y < size.Height; y++)
        {
            for (var x = 0; x < size.Width; x++)
            {
                var grain = 0.75 + (0.25 * Math.Sin(((y + (wave * Math.Sin((x * 0.004) + phase))) / period) + Math.Sin(x * 0.05)));
                var at = ((y * size.Width) + x) * 3;
                for (var c = 0; c < 3; c++) pixels[at + c] = (byte)(brown[c] * grain);
            }
        }
        return Mat.FromPixelData(size.Height, size.Width, MatType.CV_8UC3, pixels).Clone();
    }

    /// <summary>Coarse blotches of colour: a patterned cloth or a busy desk.</summary>
    private static Mat Noise(Size size, Random random)
    {
        using var small = new Mat(size.Height / 40, size.Width / 40, MatType.CV_8UC3);
        // OpenCV's own generator, seeded from ours: Cv2.Randu would draw from a shared one.
        var noise = new RNG((ulong)random.NextInt64());
        noise.Fill(small, DistributionType.Uniform, Scalar.All(random.Next(60)), Scalar.All(160 + random.Next(96)));
        var photo = new Mat();
        Cv2.Resize(small, photo, size, 0, 0, InterpolationFlags.Cubic);
        return photo;
    }

    /// <summary>
    /// Where the card's corners land: the card turned in the plane, tilted about a random axis in it, and seen through a
    /// pinhole camera at a distance that makes it 25–60 % of the photo's height; then moved to a random spot inside the photo.
    /// </summary>
    private static Point2f[] Place(Size card, Size photo, Random random)
    {
        var focal = 0.75 * Math.Max(photo.Width, photo.Height);
        var height = photo.Height * (0.25 + (random.NextDouble() * 0.35));
        var distance = focal * card.Height / height;
        var spin = random.NextDouble() * 2 * Math.PI;
        var axis = random.NextDouble() * 2 * Math.PI;
        var tilt = random.NextDouble() * 25 * Math.PI / 180;
        var (ux, uy) = (Math.Cos(axis), Math.Sin(axis));
        var projected = new[] { (-1, -1), (1, -1), (1, 1), (-1, 1) }.Select(corner =>
        {
            var (x, y) = (corner.Item1 * card.Width / 2.0, corner.Item2 * card.Height / 2.0);
            (x, y) = ((x * Math.Cos(spin)) - (y * Math.Sin(spin)), (x * Math.Sin(spin)) + (y * Math.Cos(spin)));
            // Rodrigues' rotation about (ux, uy, 0) of the point (x, y, 0).
            var along = (ux * x) + (uy * y);
            var (cos, sin) = (Math.Cos(tilt), Math.Sin(tilt));
            var rx = (x * cos) + (ux * along * (1 - cos));
            var ry = (y * cos) + (uy * along * (1 - cos));
            var rz = ((ux * y) - (uy * x)) * sin;
            return (X: focal * rx / (distance + rz), Y: focal * ry / (distance + rz));
        }).ToArray();
        var (minX, maxX) = (projected.Min(p => p.X), projected.Max(p => p.X));
        var (minY, maxY) = (projected.Min(p => p.Y), projected.Max(p => p.Y));
        var margin = 0.03 * photo.Height;
        var left = margin - minX;
        var right = photo.Width - margin - maxX;
        var top = margin - minY;
        var bottom = photo.Height - margin - maxY;
        // A card too big to fit with the margin is centred instead.
        var cx = right > left ? left + (random.NextDouble() * (right - left)) : photo.Width / 2.0;
        var cy = bottom > top ? top + (random.NextDouble() * (bottom - top)) : photo.Height / 2.0;
        return [.. projected.Select(p => new Point2f((float)(p.X + cx), (float)(p.Y + cy)))];
    }

    /// <summary>The camera's share: uneven light, a glare, blur, sensor noise and JPEG compression.</summary>
    private static byte[] Finish(Mat photo, Random random)
    {
        var (width, height) = (photo.Width, photo.Height);
        var angle = random.NextDouble() * 2 * Math.PI;
        var (dx, dy) = (Math.Cos(angle) / width, Math.Sin(angle) / height);
        var (dark, bright) = (0.55 + (random.NextDouble() * 0.25), 1.0 + (random.NextDouble() * 0.15));
        var gains = new float[width * height];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var t = 0.5 + ((((x - (width / 2.0)) * dx) + ((y - (height / 2.0)) * dy)) * 0.9);
                gains[(y * width) + x] = (float)(dark + ((bright - dark) * Math.Clamp(t, 0, 1)));
            }
        }
        using var gain = Mat.FromPixelData(height, width, MatType.CV_32FC1, gains);
        using var glare = new Mat(photo.Size(), MatType.CV_32FC1, Scalar.All(0));
        var spot = new Point(random.Next(width / 5, width * 4 / 5), random.Next(height / 5, height * 4 / 5));
        Cv2.Ellipse(glare, spot, new Size(random.Next(40, 200), random.Next(30, 120)), random.Next(180), 0, 360, Scalar.All(0.5 + (random.NextDouble() * 0.45)), -1);
        Cv2.GaussianBlur(glare, glare, new Size(0, 0), 25 + (random.NextDouble() * 25));

        using var lit = new Mat();
        photo.ConvertTo(lit, MatType.CV_32FC3);
        using var gain3 = new Mat();
        Cv2.Merge([gain, gain, gain], gain3);
        Cv2.Multiply(lit, gain3, lit);
        // Glare washes towards white: lit + (255 − lit) · glare.
        using var glare3 = new Mat();
        Cv2.Merge([glare, glare, glare], glare3);
        using var headroom = new Mat();
        Cv2.Subtract(new Scalar(255, 255, 255), lit, headroom);
        Cv2.Multiply(headroom, glare3, headroom);
        Cv2.Add(lit, headroom, lit);

        var sigma = random.NextDouble() * 1.5;
        if (sigma > 0.2) Cv2.GaussianBlur(lit, lit, new Size(0, 0), sigma);
        using var noise = new Mat(lit.Size(), MatType.CV_32FC3);
        new RNG((ulong)random.NextInt64()).Fill(noise, DistributionType.Normal, Scalar.All(0), Scalar.All(2 + (random.NextDouble() * 5)));
        Cv2.Add(lit, noise, lit);
        using var result = new Mat();
        lit.ConvertTo(result, MatType.CV_8UC3);
        Cv2.ImEncode(".jpg", result, out var jpeg, [(int)ImwriteFlags.JpegQuality, random.Next(70, 91)]);
        return jpeg;
    }
}

/// <summary>A generated photo and the card's corners in it.</summary>
public sealed record CardPhoto(byte[] Jpeg, IReadOnlyList<(float X, float Y)> Corners);
