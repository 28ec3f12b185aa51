using OpenCvSharp;
using Tessera.Core.Errors;

namespace Tessera.Cards.Identify;

/// <summary>Decoding of the images Identify is given, with one clear refusal for anything that is not one.</summary>
internal static class EncodedImage
{
    /// <summary>Decodes JPEG, PNG, WebP, BMP and the other formats OpenCV reads; the caller disposes the result.</summary>
    public static Mat Decode(ReadOnlySpan<byte> encoded, ImreadModes mode)
    {
        if (encoded.IsEmpty) throw TesseraException.Validation("The image is empty; send a JPEG, PNG or WebP photo of the card.");
        Mat image;
        try
        {
            image = Cv2.ImDecode(encoded, mode);
        }
        catch (OpenCVException e)
        {
            // Some codecs throw on a damaged file where others return nothing; both mean the same to the caller.
            throw Undecodable(encoded.Length, e);
        }
        if (!image.Empty()) return image;
        image.Dispose();
        throw Undecodable(encoded.Length, null);
    }

    private static TesseraException Undecodable(int length, Exception? inner) =>
        new(ErrorCodes.ValidationFailed, 400, $"The image ({length} bytes) could not be decoded; send a JPEG, PNG or WebP photo of the card.", inner);
}
