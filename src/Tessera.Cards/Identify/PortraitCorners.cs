using OpenCvSharp;

namespace Tessera.Cards.Identify;

/// <summary>Puts a card's four corners in the order top-left, top-right, bottom-right, bottom-left of the card held upright.</summary>
internal static class PortraitCorners
{
    /// <summary>
    /// Clockwise around the centre, starting so that the first side is a short one (the card's top). Of the two short sides
    /// the one higher in the photo is taken as the top; whether it truly is, only the card's content can tell.
    /// </summary>
    public static Point2f[] Order(IReadOnlyList<Point2f> corners)
    {
        var (cx, cy) = (corners.Average(p => p.X), corners.Average(p => p.Y));
        // With y pointing down, a growing angle turns clockwise on screen.
        var around = corners.OrderBy(p => Math.Atan2(p.Y - cy, p.X - cx)).ToArray();
        var shortFirst = Length(around[0], around[1]) + Length(around[2], around[3]) <= Length(around[1], around[2]) + Length(around[3], around[0]) ? 0 : 1;
        var other = shortFirst + 2;
        var start = around[shortFirst].Y + around[shortFirst + 1].Y <= around[other].Y + around[(other + 1) % 4].Y ? shortFirst : other;
        return [around[start], around[(start + 1) % 4], around[(start + 2) % 4], around[(start + 3) % 4]];
    }

    private static double Length(Point2f a, Point2f b) => Math.Sqrt(((a.X - b.X) * (a.X - b.X)) + ((a.Y - b.Y) * (a.Y - b.Y)));
}
