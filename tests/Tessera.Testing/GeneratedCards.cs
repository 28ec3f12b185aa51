using OpenCvSharp;

namespace Tessera.Testing;

/// <summary>
/// Card-like images drawn by the tests themselves (never real card art), 488×680 like Scryfall's "normal" size.
/// The art, title and type line come from the art seed; the frame colour, set symbol, collector number and rules text
/// come from the printing seed, so two printings of one art differ only where real reprints do.
/// </summary>
public static class GeneratedCards
{
    public const int Width = 488;
    public const int Height = 680;

    private static readonly Rect Art = new(40, 84, 408, 300);
    private static readonly Rect TitleBar = new(32, 32, 424, 40);
    private static readonly Rect TypeLine = new(32, 392, 424, 34);
    private static readonly Rect TextBox = new(40, 434, 408, 190);

    public static byte[] Png(int artSeed, int printingSeed)
    {
        using var card = Draw(artSeed, printingSeed);
        Cv2.ImEncode(".png", card, out var png);
        return png;
    }

    /// <summary>The card as a BGR image; the caller disposes it.</summary>
    public static Mat Draw(int artSeed, int printingSeed)
    {
        var art = new Random(artSeed);
        var printing = new Random(unchecked((printingSeed * 7919) + 17));
        var card = new Mat(Height, Width, MatType.CV_8UC3, Scalar.All(18)); // the black outer border of most printings
        var frame = BrightColour(printing);
        Cv2.Rectangle(card, new Rect(18, 18, Width - 36, Height - 36), frame, -1);
        DrawBar(card, TitleBar, Lighter(frame), Words(art, 3), art);
        DrawArt(card, art);
        DrawBar(card, TypeLine, Lighter(frame), Words(art, 4), art);
        DrawTextBox(card, printing);
        DrawSetSymbol(card, printing);
        DrawCollectorLine(card, printing);
        return card;
    }

    private static void DrawBar(Mat card, Rect bar, Scalar colour, string text, Random random)
    {
        Cv2.Rectangle(card, bar, colour, -1);
        Cv2.Rectangle(card, bar, Scalar.All(30), 2);
        var scale = 0.55 + (random.NextDouble() * 0.15);
        Cv2.PutText(card, text, new Point(bar.X + 10, bar.Y + (bar.Height * 2 / 3)), HersheyFonts.HersheyDuplex, scale, Scalar.All(15), 1, LineTypes.AntiAlias);
    }

    /// <summary>Gradient, shapes and a texture: every art seed looks unlike every other, and has corners for local features.</summary>
    private static void DrawArt(Mat card, Random random)
    {
        using var art = new Mat(card, Art);
        var top = RandomColour(random);
        var bottom = RandomColour(random);
        for (var y = 0; y < Art.Height; y++)
        {
            var t = (double)y / Art.Height;
            Cv2.Line(art, new Point(0, y), new Point(Art.Width, y), Mix(top, bottom, t));
        }
        var shapes = random.Next(10, 18);
        for (var i = 0; i < shapes; i++)
        {
            var centre = new Point(random.Next(Art.Width), random.Next(Art.Height));
            var colour = RandomColour(random);
            switch (random.Next(4))
            {
                case 0:
                    Cv2.Circle(art, centre, random.Next(8, 70), colour, -1, LineTypes.AntiAlias);
                    break;
                case 1:
                    Cv2.Rectangle(art, new Rect(centre, new Size(random.Next(10, 120), random.Next(10, 90))), colour, -1);
                    break;
                case 2:
                    var points = Enumerable.Range(0, random.Next(3, 7)).Select(_ => new Point(centre.X + random.Next(-80, 80), centre.Y + random.Next(-80, 80)));
                    Cv2.FillPoly(art, [points], colour, LineTypes.AntiAlias);
                    break;
                default:
                    Cv2.Line(art, centre, new Point(random.Next(Art.Width), random.Next(Art.Height)), colour, random.Next(2, 9), LineTypes.AntiAlias);
                    break;
            }
        }
        // A speckle texture over part of the art, the kind of fine detail paintings have.
        var speckles = new Rect(random.Next(Art.Width / 2), random.Next(Art.Height / 2), Art.Width / 2, Art.Height / 2);
        for (var i = 0; i < 220; i++)
        {
            var at = new Point(speckles.X + random.Next(speckles.Width), speckles.Y + random.Next(speckles.Height));
            Cv2.Circle(art, at, random.Next(1, 4), RandomColour(random), -1);
        }
        Cv2.Rectangle(card, Art, Scalar.All(25), 3);
    }

    private static void DrawTextBox(Mat card, Random random)
    {
        Cv2.Rectangle(card, TextBox, new Scalar(214, 226, 232), -1);
        Cv2.Rectangle(card, TextBox, Scalar.All(40), 2);
        var y = TextBox.Y + 26;
        while (y < TextBox.Bottom - 14)
        {
            Cv2.PutText(card, Words(random, random.Next(3, 6)), new Point(TextBox.X + 12, y), HersheyFonts.HersheySimplex, 0.5, Scalar.All(20), 1, LineTypes.AntiAlias);
            y += random.Next(22, 34);
        }
    }

    /// <summary>A small emblem right of the type line: a polygon with a ring, in a rarity colour.</summary>
    private static void DrawSetSymbol(Mat card, Random random)
    {
        var centre = new Point(TypeLine.Right - 22, TypeLine.Y + (TypeLine.Height / 2));
        var rarity = RandomColour(random);
        var corners = random.Next(3, 8);
        var turn = random.NextDouble() * Math.PI;
        var points = Enumerable.Range(0, corners).Select(i =>
        {
            var angle = turn + (2 * Math.PI * i / corners);
            var radius = i % 2 == 0 ? 13 : 7 + random.Next(5);
            return new Point(centre.X + (radius * Math.Cos(angle)), centre.Y + (radius * Math.Sin(angle)));
        });
        Cv2.FillPoly(card, [points], rarity, LineTypes.AntiAlias);
        Cv2.Circle(card, centre, 4 + random.Next(4), Scalar.All(10), 2, LineTypes.AntiAlias);
    }

    private static void DrawCollectorLine(Mat card, Random random)
    {
        var number = $"{random.Next(1, 400):000}/{random.Next(250, 420)} {(char)('A' + random.Next(26))}{(char)('A' + random.Next(26))}{(char)('A' + random.Next(26))}";
        Cv2.PutText(card, number, new Point(36, Height - 30), HersheyFonts.HersheyPlain, 1.0, Scalar.All(235), 1, LineTypes.AntiAlias);
        Cv2.PutText(card, Words(random, 2), new Point(Width - 190, Height - 30), HersheyFonts.HersheyPlain, 1.0, Scalar.All(235), 1, LineTypes.AntiAlias);
    }

    /// <summary>Pseudo-words of random letters: text-like strokes that mean nothing.</summary>
    private static string Words(Random random, int count) =>
        string.Join(' ', Enumerable.Range(0, count).Select(_ => new string(Enumerable.Range(0, random.Next(2, 8)).Select(_ => (char)('a' + random.Next(26))).ToArray())));

    private static Scalar RandomColour(Random random) => new(random.Next(256), random.Next(256), random.Next(256));

    private static Scalar BrightColour(Random random) => new(60 + random.Next(196), 60 + random.Next(196), 60 + random.Next(196));

    private static Scalar Lighter(Scalar colour) => Mix(colour, Scalar.All(255), 0.5);

    private static Scalar Mix(Scalar from, Scalar to, double t) =>
        new(from.Val0 + ((to.Val0 - from.Val0) * t), from.Val1 + ((to.Val1 - from.Val1) * t), from.Val2 + ((to.Val2 - from.Val2) * t));
}
