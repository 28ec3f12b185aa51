namespace Tessera.Cards.Identify;

/// <summary>
/// The card cut out of a photo and warped flat to the catalog's portrait size, in both orientations: a card photographed
/// upside down looks like any other rectangle, so the caller compares both with the catalog.
/// </summary>
/// <param name="CardFound">False when no card outline was found and the images are the photo's centre cropped to the card's aspect.</param>
/// <param name="Upright">The card, encoded (BMP), <see cref="Width"/>×<see cref="Height"/>, the way up its colours suggest (art above the pale text box).</param>
/// <param name="Rotated180">The same image turned half a turn.</param>
/// <param name="UprightArt">The art box of <paramref name="Upright"/> (<see cref="CardArt"/>), BMP: what is embedded.</param>
/// <param name="Rotated180Art">The art box of <paramref name="Rotated180"/>.</param>
/// <param name="Corners">Where <see cref="Upright"/>'s top-left, top-right, bottom-right and bottom-left corners are in the photo, in its pixels.</param>
internal sealed record RectifiedPhoto(
    bool CardFound, byte[] Upright, byte[] Rotated180, byte[] UprightArt, byte[] Rotated180Art, IReadOnlyList<(float X, float Y)> Corners)
{
    /// <summary>Scryfall's "normal" image size; 488/680 is the card's 63×88 mm.</summary>
    public const int Width = 488;
    public const int Height = 680;
}
