using OpenCvSharp;

namespace Tessera.Cards.Identify;

/// <summary>
/// The art box of a card image, which is what Cards embeds: every card of one frame shares its borders, title bar and
/// text box, so a whole-card embedding ranks the frame first (measured: the right card ranked 10th to 34th among 300
/// generated cards of one layout); the art tells them apart. The box is a fraction of the card, so any image size
/// works: on Scryfall's 488×680 "normal" image the art sits at about x 40–448, y 76–374; the margins here stay inside
/// it when a photo's outline is a little off.
/// </summary>
internal static class CardArt
{
    private const double Left = 0.10;
    private const double Right = 0.90;
    private const double Top = 0.13;
    private const double Bottom = 0.54;

    /// <summary>The art box of an encoded card image, encoded as BMP; an undecodable image is a validation error.</summary>
    public static byte[] Crop(ReadOnlySpan<byte> encodedCard)
    {
        using var card = EncodedImage.Decode(encodedCard, ImreadModes.Color);
        return Crop(card);
    }

    /// <summary>The art box of a decoded, upright card, encoded as BMP.</summary>
    public static byte[] Crop(Mat card)
    {
        ArgumentNullException.ThrowIfNull(card);
        var box = new Rect((int)(card.Cols * Left), (int)(card.Rows * Top), (int)(card.Cols * (Right - Left)), (int)(card.Rows * (Bottom - Top)));
        using var art = new Mat(card, box);
        Cv2.ImEncode(".bmp", art, out var bytes);
        return bytes;
    }
}
