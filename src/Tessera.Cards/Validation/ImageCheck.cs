using SkiaSharp;

namespace Tessera.Cards.Validation;

/// <summary>
/// Decodes one cached image completely with SkiaSharp's codec, whose result says whether every row was there (a
/// plain <c>SKBitmap.Decode</c> returns a half-grey picture for a truncated JPEG). Answers why the image is unusable,
/// or null when it is good.
/// </summary>
internal static class ImageCheck
{
    public const string Empty = "empty";
    public const string WrongType = "wrong_type";
    public const string Tiny = "tiny";
    public const string Truncated = "truncated";
    public const string Corrupt = "corrupt";

    /// <summary>The formats card images come in; anything else (an HTML error page saved as .jpg, a GIF) is the wrong type.</summary>
    private static readonly SKEncodedImageFormat[] Accepted = [SKEncodedImageFormat.Jpeg, SKEncodedImageFormat.Png, SKEncodedImageFormat.Webp];

    public static string? Problem(string path, int minSide)
    {
        if (new FileInfo(path).Length == 0) return Empty;
        using var data = SKData.Create(path);
        if (data is null) return Empty;
        using var codec = SKCodec.Create(data);
        if (codec is null || !Accepted.Contains(codec.EncodedFormat)) return WrongType;
        if (codec.Info.Width < minSide || codec.Info.Height < minSide) return Tiny;
        var info = new SKImageInfo(codec.Info.Width, codec.Info.Height, SKColorType.Rgba8888, SKAlphaType.Premul);
        using var bitmap = new SKBitmap(info);
        return codec.GetPixels(info, bitmap.GetPixels()) switch
        {
            SKCodecResult.Success => null,
            SKCodecResult.IncompleteInput => Truncated,
            _ => Corrupt,
        };
    }
}
