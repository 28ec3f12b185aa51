using Microsoft.AspNetCore.Http;
using Tessera.Core.Errors;

namespace Tessera.Cards.Api;

/// <summary>
/// Reads the photo of an identify request: the <c>photo</c> part of a multipart form (what a browser form or a
/// phone's camera input sends), or a raw <c>image/*</c> body (what curl --data-binary sends). At most
/// <see cref="MaxBytes"/>; anything else is a 400 problem naming the fix.
/// </summary>
internal static class CardsPhotoForm
{
    public const long MaxBytes = 20 * 1024 * 1024;

    public static async Task<byte[]> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.ContentLength > MaxBytes) throw TooLarge();
        if (request.HasFormContentType)
        {
            IFormCollection form;
            try
            {
                form = await request.ReadFormAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (InvalidDataException e)
            {
                throw TesseraException.Validation($"The multipart body is malformed or exceeds a limit: {e.Message}");
            }
            var photo = form.Files.GetFile("photo") ?? throw TesseraException.Validation("The form has no 'photo' file field.");
            if (photo.Length > MaxBytes) throw TooLarge();
            if (photo.Length == 0) throw TesseraException.Validation("The photo is empty.");
            using var copy = new MemoryStream((int)photo.Length);
            await photo.CopyToAsync(copy, cancellationToken).ConfigureAwait(false);
            return copy.ToArray();
        }
        if (request.ContentType?.StartsWith("image/", StringComparison.OrdinalIgnoreCase) != true)
            throw TesseraException.Validation("Send the photo as a multipart form field 'photo', or as the body with an image/* Content-Type.");
        using var body = new MemoryStream();
        var buffer = new byte[81920];
        int read;
        while ((read = await request.Body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (body.Length + read > MaxBytes) throw TooLarge();
            body.Write(buffer, 0, read);
        }
        if (body.Length == 0) throw TesseraException.Validation("The photo is empty.");
        return body.ToArray();
    }

    /// <summary>A cached image's content type, from the extension its URL gave it.</summary>
    public static string ContentTypeOf(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".png" => "image/png",
        ".webp" => "image/webp",
        ".jpg" or ".jpeg" => "image/jpeg",
        _ => "application/octet-stream",
    };

    private static TesseraException TooLarge() => new(ErrorCodes.PayloadTooLarge, 413, $"The photo is larger than {MaxBytes / (1024 * 1024)} MB.");
}
