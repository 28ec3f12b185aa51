using OpenCvSharp;

namespace Tessera.Cards.Identify;

/// <summary>
/// Finds the card's four corners in a small grayscale photo. Edge maps give contours; each contour's convex hull, simplified
/// to four corners, is a candidate. A candidate counts when it has a card's proportions, edges run along most of its sides
/// (a hull that spans a card and a neighbouring object does not), and its inside has detail (a blank notebook or phone
/// does not). The largest such candidate wins, so the card's outer edge beats its inner frame.
/// </summary>
internal static class CardOutline
{
    /// <summary>The card must cover at least this share of the photo (a card 25 % of the photo's height covers about 3.5 %).</summary>
    private const double MinAreaShare = 0.015;
    private const double MaxAreaShare = 0.97;

    /// <summary>63×88 mm is 1.40; a tilt of up to about 30° stretches or squeezes what the camera sees.</summary>
    private const double MinAspect = 1.12;
    private const double MaxAspect = 1.85;

    /// <summary>In perspective the far side looks shorter; more than this and it is no card lying in view.</summary>
    private const double MinOppositeSideRatio = 0.6;

    /// <summary>Share of the outline that must lie on an edge; glare may wash out a stretch of it.</summary>
    private const double MinEdgeSupport = 0.75;

    /// <summary>Share of edge pixels inside: text and art give a card far more than a plain surface has.</summary>
    private const double MinInsideDetail = 0.03;

    /// <summary>The corners in <paramref name="gray"/>'s pixels, in no particular order, or null when none looks like a card.</summary>
    public static Point2f[]? Find(Mat gray)
    {
        using var smooth = new Mat();
        Cv2.GaussianBlur(gray, smooth, new Size(5, 5), 0);
        var minArea = MinAreaShare * gray.Width * gray.Height;
        var maxArea = MaxAreaShare * gray.Width * gray.Height;
        Point2f[]? best = null;
        var bestArea = 0.0;
        // Low thresholds catch a card on a background of the same brightness; high ones keep busy backgrounds from joining its edge.
        foreach (var (low, high) in new[] { (20.0, 60.0), (50.0, 150.0) })
        {
            using var edges = new Mat();
            Cv2.Canny(smooth, edges, low, high);
            // Thickened edges close the gaps that glare and blur leave in the card's outline, and judge the candidates.
            using var thick = new Mat();
            Cv2.Dilate(edges, thick, null);
            // Thin edges keep a small card's outline apart from its own frame, and from objects touching it.
            foreach (var map in new[] { thick, edges })
            {
                if (Best(map, thick, Math.Max(minArea, bestArea), maxArea) is not { } found) continue;
                (best, bestArea) = found;
            }
        }
        return best;
    }

    /// <summary>The largest candidate from the contours of <paramref name="map"/> with an area between the bounds.</summary>
    private static (Point2f[] Quad, double Area)? Best(Mat map, Mat thick, double minArea, double maxArea)
    {
        Cv2.FindContours(map, out var contours, out _, RetrievalModes.List, ContourApproximationModes.ApproxSimple);
        var candidates = contours
            .Where(contour => BoxArea(contour) > minArea)
            .Select(contour => Cv2.ConvexHull(contour))
            .Select(hull => (Hull: hull, Area: Cv2.ContourArea(hull)))
            .Where(c => c.Area > minArea && c.Area <= maxArea)
            .OrderByDescending(c => c.Area);
        foreach (var (hull, area) in candidates)
        {
            if (Quadrilateral(hull) is not { } quad || !LooksLikeCard(quad)) continue;
            if (EdgeSupport(thick, quad) < MinEdgeSupport || InsideDetail(thick, quad) < MinInsideDetail) continue;
            return (quad, area);
        }
        return null;
    }

    /// <summary>The hull simplified to four corners, trying coarser tolerances for rounded or nicked corners.</summary>
    private static Point2f[]? Quadrilateral(Point[] hull)
    {
        var perimeter = Cv2.ArcLength(hull, true);
        foreach (var tolerance in new[] { 0.02, 0.035, 0.05 })
        {
            var corners = Cv2.ApproxPolyDP(hull, tolerance * perimeter, true);
            if (corners.Length == 4) return [.. corners.Select(p => new Point2f(p.X, p.Y))];
            if (corners.Length < 4) return null;
        }
        return null;
    }

    /// <summary>The area of the contour's upright bounding box, reckoned here: most contours are specks, and this drops them without a native call.</summary>
    private static double BoxArea(Point[] contour)
    {
        var (minX, minY, maxX, maxY) = (int.MaxValue, int.MaxValue, int.MinValue, int.MinValue);
        foreach (var p in contour) (minX, minY, maxX, maxY) = (Math.Min(minX, p.X), Math.Min(minY, p.Y), Math.Max(maxX, p.X), Math.Max(maxY, p.Y));
        return (double)(maxX - minX) * (maxY - minY);
    }

    private static bool LooksLikeCard(Point2f[] quad)
    {
        var sides = Enumerable.Range(0, 4).Select(i => Distance(quad[i], quad[(i + 1) % 4])).ToArray();
        if (Math.Min(sides[0], sides[2]) < MinOppositeSideRatio * Math.Max(sides[0], sides[2])) return false;
        if (Math.Min(sides[1], sides[3]) < MinOppositeSideRatio * Math.Max(sides[1], sides[3])) return false;
        var (a, b) = (sides[0] + sides[2], sides[1] + sides[3]);
        var aspect = Math.Max(a, b) / Math.Min(a, b);
        return aspect is >= MinAspect and <= MaxAspect;
    }

    /// <summary>
    /// The share of points every two pixels along the outline that fall on an edge pixel, taking the worst side at twice
    /// its share: a quadrilateral with three of a card's sides and a made-up fourth scores low.
    /// </summary>
    private static double EdgeSupport(Mat edges, Point2f[] quad)
    {
        var (width, height) = (edges.Width, edges.Height);
        var (on, all, worst) = (0, 0, 1.0);
        for (var i = 0; i < 4; i++)
        {
            var (from, to) = (quad[i], quad[(i + 1) % 4]);
            var steps = Math.Max(1, (int)(Distance(from, to) / 2));
            var sideOn = 0;
            for (var s = 0; s < steps; s++)
            {
                var t = (float)s / steps;
                var x = (int)Math.Round(from.X + ((to.X - from.X) * t));
                var y = (int)Math.Round(from.Y + ((to.Y - from.Y) * t));
                if (x >= 0 && y >= 0 && x < width && y < height && edges.At<byte>(y, x) != 0) sideOn++;
            }
            (on, all, worst) = (on + sideOn, all + steps, Math.Min(worst, (double)sideOn / steps));
        }
        return Math.Min((double)on / all, 2 * worst);
    }

    /// <summary>The share of edge pixels in the middle of the quadrilateral (shrunk by a tenth, away from its own outline).</summary>
    private static double InsideDetail(Mat edges, Point2f[] quad)
    {
        var (cx, cy) = (quad.Average(p => p.X), quad.Average(p => p.Y));
        var inner = quad.Select(p => new Point(cx + ((p.X - cx) * 0.9), cy + ((p.Y - cy) * 0.9))).ToArray();
        var box = Cv2.BoundingRect(inner) & new Rect(0, 0, edges.Width, edges.Height);
        if (box.Width == 0 || box.Height == 0) return 0;
        using var mask = new Mat(box.Size, MatType.CV_8UC1, Scalar.All(0));
        Cv2.FillConvexPoly(mask, inner.Select(p => new Point(p.X - box.X, p.Y - box.Y)), Scalar.All(255));
        using var region = new Mat(edges, box);
        using var inside = new Mat();
        Cv2.BitwiseAnd(region, mask, inside);
        return (double)Cv2.CountNonZero(inside) / Math.Max(1, Cv2.CountNonZero(mask));
    }

    private static double Distance(Point2f a, Point2f b) => Math.Sqrt(((a.X - b.X) * (a.X - b.X)) + ((a.Y - b.Y) * (a.Y - b.Y)));
}
