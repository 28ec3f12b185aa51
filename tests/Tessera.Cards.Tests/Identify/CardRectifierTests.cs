using System.Diagnostics;
using SkiaSharp;
using Tessera.Cards.Identify;
using Tessera.Core.Errors;
using Tessera.Testing;
using Xunit.Abstractions;

namespace Tessera.Cards.Tests.Identify;

/// <summary>The rectifier over generated photos of generated cards: turned, tilted, blurred, glared, on busy backgrounds.</summary>
public class CardRectifierTests(ITestOutputHelper output)
{
    /// <summary>
    /// How far a found corner may be from the true one, as a share of the card's height in the photo. On a dark table the
    /// black border's outer edge can vanish and its inner edge is found instead: 2.6 % in along both axes (3.7 %), plus a
    /// search pixel each way on the smallest cards, about 5 %; that cut still holds all of the card's content. Beyond 6 %
    /// a corner has been cut off or something else caught.
    /// </summary>
    private const double CornerTolerance = 0.06;

    private readonly CardRectifier rectifier = new();

    [Fact]
    public void Finds_the_card_in_at_least_95_of_100_photos()
    {
        var found = 0;
        var errors = new List<double>();
        var time = new Stopwatch();
        for (var seed = 0; seed < 100; seed++)
        {
            var card = GeneratedCards.Png(seed, seed);
            var shot = CardPhotos.Take(card, 1000 + seed);
            time.Start();
            var result = rectifier.Rectify(shot.Jpeg);
            time.Stop();
            var error = CornerError(result.Corners, shot.Corners);
            errors.Add(error);
            if (result.CardFound && error <= CornerTolerance) found++;
            else output.WriteLine($"seed {seed}: found={result.CardFound} corner error={error:P1}");
        }
        output.WriteLine($"{found}/100 found; corner error median {errors.Order().ElementAt(50):P1}; {time.Elapsed.TotalMilliseconds / 100:F1} ms a photo");
        Assert.True(found >= 95, $"The card was found in {found} of 100 photos.");
    }

    [Fact]
    public void The_upright_image_shows_the_card_the_right_way_up_in_at_least_90_of_100_photos()
    {
        var upright = 0;
        for (var seed = 0; seed < 100; seed++)
        {
            var shot = CardPhotos.Take(GeneratedCards.Png(seed, seed), 3000 + seed);
            var result = rectifier.Rectify(shot.Jpeg);
            var height = Distance(shot.Corners[0], shot.Corners[3]);
            if (Enumerable.Range(0, 4).Max(i => Distance(result.Corners[i], shot.Corners[i])) / height <= CornerTolerance) upright++;
        }
        Assert.True(upright >= 90, $"The upright image was the right way up in {upright} of 100 photos.");
    }

    /// <summary>
    /// The largest distance between a found corner and the true one, relative to the card's height; the found card may be
    /// upside down (the caller tries both turns), so the corners are compared as they are and turned half a turn.
    /// </summary>
    private static double CornerError(IReadOnlyList<(float X, float Y)> found, IReadOnlyList<(float X, float Y)> truth)
    {
        var height = Distance(truth[0], truth[3]);
        return new[] { 0, 2 }.Min(turn => Enumerable.Range(0, 4).Max(i => Distance(found[(i + turn) % 4], truth[i]))) / height;
    }

    private static double Distance((float X, float Y) a, (float X, float Y) b) => Math.Sqrt(((a.X - b.X) * (a.X - b.X)) + ((a.Y - b.Y) * (a.Y - b.Y)));

    [Fact]
    public void Both_images_are_the_catalog_size_and_decode_with_SkiaSharp()
    {
        var card = GeneratedCards.Png(1, 1);
        var result = rectifier.Rectify(CardPhotos.Jpeg(card, 7));
        foreach (var image in new[] { result.Upright, result.Rotated180 })
        {
            using var bitmap = SKBitmap.Decode(image);
            Assert.NotNull(bitmap);
            Assert.Equal((RectifiedPhoto.Width, RectifiedPhoto.Height), (bitmap.Width, bitmap.Height));
        }
        Assert.Equal(4, result.Corners.Count);
    }

    [Fact]
    public void An_undecodable_photo_is_a_validation_error()
    {
        var error = Assert.Throws<TesseraException>(() => rectifier.Rectify("<html>not a photo</html>"u8));
        Assert.Equal(ErrorCodes.ValidationFailed, error.Code);
        Assert.Contains("could not be decoded", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_photo_without_a_card_falls_back_to_the_centre()
    {
        var result = rectifier.Rectify(CardPhotos.WithoutCard(3));
        Assert.False(result.CardFound);
        using var bitmap = SKBitmap.Decode(result.Upright);
        Assert.Equal((RectifiedPhoto.Width, RectifiedPhoto.Height), (bitmap.Width, bitmap.Height));
    }
}
