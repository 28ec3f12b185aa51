using System.Diagnostics;
using Tessera.Cards.Identify;
using Tessera.Testing;
using Xunit.Abstractions;

namespace Tessera.Cards.Tests.Identify;

/// <summary>The geometric check on rectified photos of generated cards, against look-alike candidates.</summary>
public class GeometricVerifierTests(ITestOutputHelper output)
{
    private const int Cases = 60;

    private readonly CardRectifier rectifier = new();
    private readonly GeometricVerifier verifier = new();

    [Fact]
    public void The_printing_in_the_photo_outscores_another_printing_of_its_art_and_another_card_in_at_least_95_percent()
    {
        var (beatsReprint, beatsOther) = (0, 0);
        var time = new Stopwatch();
        var pairs = 0;
        for (var seed = 0; seed < Cases; seed++)
        {
            var card = GeneratedCards.Png(seed, seed);
            var reprint = GeneratedCards.Png(seed, seed + 1000);
            var other = GeneratedCards.Png(seed + 5000, seed + 5000);
            var photo = verifier.Describe(rectifier.Rectify(CardPhotos.Jpeg(card, 2000 + seed)).Upright);
            var (cardFeatures, reprintFeatures, otherFeatures) = (verifier.Describe(card), verifier.Describe(reprint), verifier.Describe(other));
            time.Start();
            var (own, reprinted, unrelated) = (verifier.Inliers(photo, cardFeatures), verifier.Inliers(photo, reprintFeatures), verifier.Inliers(photo, otherFeatures));
            time.Stop();
            pairs += 3;
            if (own > reprinted) beatsReprint++;
            if (own > unrelated) beatsOther++;
            output.WriteLine($"seed {seed}: own {own}, same art {reprinted}, other card {unrelated}");
        }
        output.WriteLine($"beats the same art in {beatsReprint}/{Cases}, another card in {beatsOther}/{Cases}; {time.Elapsed.TotalMilliseconds / pairs:F2} ms a pair");
        Assert.True(beatsReprint >= Cases * 95 / 100, $"The true printing beat the same art's other printing in {beatsReprint} of {Cases}.");
        Assert.True(beatsOther >= Cases * 95 / 100, $"The true printing beat another card in {beatsOther} of {Cases}.");
    }

    [Fact]
    public void Features_of_a_blank_image_are_empty_and_score_zero()
    {
        var blank = TestPng.Create(8, 8, 0);
        var none = verifier.Describe(blank);
        Assert.Equal(0, verifier.Inliers(none, verifier.Describe(GeneratedCards.Png(1, 1))));
    }
}
