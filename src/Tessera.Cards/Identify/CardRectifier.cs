using System.Diagnostics.CodeAnalysis;
using OpenCvSharp;

namespace Tessera.Cards.Identify;

/// <summary>
/// Finds the card in a photo and warps it flat to the catalog's size. The search runs on a copy about 640 pixels on its long
/// side (edges of a card are large, and this keeps it to a few milliseconds); the warp reads the photo at full size.
/// Stateless and thread-safe.
/// </summary>
internal sealed class CardRectifier
{
    private const int SearchLongSide = 640;

    private static readonly Point2f[] Target =
        [new(0, 0), new(RectifiedPhoto.Width, 0), new(RectifiedPhoto.Width, RectifiedPhoto.Height), new(0, RectifiedPhoto.Height)];

    /// <exception cref="Core.Errors.TesseraException">The bytes are no image OpenCV can decode (a validation error).</exception>
    [SuppressMessage("Performance", "CA1822", Justification = "An instance the identify service is given, like the module's other services.")]
    public RectifiedPhoto Rectify(ReadOnlySpan<byte> encodedPhoto)
    {
        using var photo = EncodedImage.Decode(encodedPhoto, ImreadModes.Color);
        var found = FindCorners(photo);
        var corners = found ?? CentreCrop(photo.Width, photo.Height);
        using var upright = new Mat();
        using (var transform = Cv2.GetPerspectiveTransform(corners, Target))
        {
            Cv2.WarpPerspective(photo, upright, transform, new Size(RectifiedPhoto.Width, RectifiedPhoto.Height), InterpolationFlags.Linear, BorderTypes.Replicate);
        }
        using var turned = new Mat();
        Cv2.Rotate(upright, turned, RotateFlags.Rotate180);
        if (!ArtBelow(upright))
            return new RectifiedPhoto(found is not null, Bmp(upright), Bmp(turned), CardArt.Crop(upright), CardArt.Crop(turned), [.. corners.Select(c => (c.X, c.Y))]);
        // The card lies the other way up: its corners, as the warp's target names them, are the opposite ones.
        return new RectifiedPhoto(
            found is not null, Bmp(turned), Bmp(upright), CardArt.Crop(turned), CardArt.Crop(upright), [.. corners.Skip(2).Concat(corners.Take(2)).Select(c => (c.X, c.Y))]);
    }

    /// <summary>
    /// Whether the card's lower half is the more colourful one. Cards print their art above a pale text box, so the
    /// colourful half is the top: a guess (full-art cards have none), which is why the caller can try the other way up.
    /// </summary>
    private static bool ArtBelow(Mat card)
    {
        using var hsv = new Mat();
        Cv2.CvtColor(card, hsv, ColorConversionCodes.BGR2HSV);
        var height = card.Rows;
        using var top = new Mat(hsv, new Rect(0, height * 8 / 100, card.Cols, height * 40 / 100));
        using var bottom = new Mat(hsv, new Rect(0, height * 52 / 100, card.Cols, height * 40 / 100));
        return Cv2.Mean(bottom).Val1 > Cv2.Mean(top).Val1;
    }

    /// <summary>The card's corners in the photo's pixels, ordered for the warp, or null when no card outline is found.</summary>
    private static Point2f[]? FindCorners(Mat photo)
    {
        var scale = Math.Min(1.0, (double)SearchLongSide / Math.Max(photo.Width, photo.Height));
        using var small = new Mat();
        Cv2.Resize(photo, small, new Size(0, 0), scale, scale, InterpolationFlags.Area);
        using var gray = new Mat();
        Cv2.CvtColor(small, gray, ColorConversionCodes.BGR2GRAY);
        if (CardOutline.Find(gray) is not { } corners) return null;
        // Corners sit on pixel centres; scaling about them, not the pixel edges, keeps them on the card's edge.
        var back = corners.Select(c => new Point2f((float)(((c.X + 0.5) / scale) - 0.5), (float)(((c.Y + 0.5) / scale) - 0.5))).ToArray();
        return PortraitCorners.Order(back);
    }

    /// <summary>The middle of the photo with the card's proportions: what a user aiming at a card most likely framed.</summary>
    private static Point2f[] CentreCrop(int width, int height)
    {
        const float aspect = (float)RectifiedPhoto.Width / RectifiedPhoto.Height;
        var (w, h) = width > height * aspect ? (height * aspect, (float)height) : (width, width / aspect);
        var (x, y) = ((width - w) / 2, (height - h) / 2);
        return [new(x, y), new(x + w, y), new(x + w, y + h), new(x, y + h)];
    }

    /// <summary>BMP: no compression to spend time on, and every decoder reads it.</summary>
    private static byte[] Bmp(Mat image)
    {
        Cv2.ImEncode(".bmp", image, out var bytes);
        return bytes;
    }
}
