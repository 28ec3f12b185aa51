using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;
using Tessera.Chem.Molecules;
using Tessera.Core.Errors;
using Tessera.Platform.Blobs;

namespace Tessera.Chem.Api;

/// <summary>
/// Reads the upload's multipart body section by section: the <c>file</c> part streams straight into the blob store,
/// <c>format</c> is a small text part. Nothing is buffered whole; an unexpected or repeated part is a 400 problem.
/// </summary>
internal static class ChemUploadForm
{
    private const int MaxPartHeaders = 8;
    private const int MaxFieldBytes = 64;

    /// <summary>The stored file (the caller disposes it: that removes the blob unless an artifact keeps it), its name and the format field.</summary>
    public static async Task<(StagedUpload File, string FileName, string? Format)> ReadAsync(
        HttpRequest request, MoleculeImportService imports, CancellationToken cancellationToken)
    {
        var reader = new MultipartReader(Boundary(request), request.Body) { HeadersCountLimit = MaxPartHeaders, HeadersLengthLimit = 16 * 1024 };
        StagedUpload? file = null;
        var fileName = "";
        string? format = null;
        try
        {
            while (await reader.ReadNextSectionAsync(cancellationToken).ConfigureAwait(false) is { } section)
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition) ||
                    !disposition.DispositionType.Equals("form-data", StringComparison.OrdinalIgnoreCase) || StringSegment.IsNullOrEmpty(disposition.Name))
                    throw Invalid("Each part needs a 'Content-Disposition: form-data' header with a name.");
                switch (HeaderUtilities.RemoveQuotes(disposition.Name).Value)
                {
                    case "file" when file is null:
                        fileName = HeaderUtilities.RemoveQuotes(disposition.FileNameStar.HasValue ? disposition.FileNameStar : disposition.FileName).Value ?? "";
                        file = await imports.StoreAsync(section.Body, cancellationToken).ConfigureAwait(false);
                        break;
                    case "format" when format is null:
                        format = await ReadFieldAsync(section, cancellationToken).ConfigureAwait(false);
                        break;
                    case var other:
                        throw Invalid($"Unexpected or repeated form field '{other}': send 'file' once, and optionally 'format'.");
                }
            }
        }
        catch (Exception e)
        {
            if (file is not null) await file.DisposeAsync().ConfigureAwait(false);
            // MultipartReader's own limits and framing errors.
            if (e is InvalidDataException) throw Invalid($"The multipart body is malformed or exceeds a limit: {e.Message}");
            throw;
        }
        if (file is null) throw TesseraException.Validation("The upload has no 'file' field.");
        return (file, fileName, format);
    }

    private static string Boundary(HttpRequest request)
    {
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var media) ||
            !string.Equals(media.MediaType.Value, "multipart/form-data", StringComparison.OrdinalIgnoreCase))
            throw TesseraException.Validation("Send the upload as multipart/form-data with the structure file in a 'file' field.");
        var boundary = HeaderUtilities.RemoveQuotes(media.Boundary).Value;
        // RFC 2046 limits a boundary to 70 characters.
        if (string.IsNullOrEmpty(boundary) || boundary.Length > 70) throw Invalid("The multipart Content-Type needs a boundary of 1 to 70 characters.");
        return boundary;
    }

    private static async Task<string> ReadFieldAsync(MultipartSection section, CancellationToken cancellationToken)
    {
        var buffer = new byte[MaxFieldBytes + 1];
        var length = 0;
        int read;
        while (length < buffer.Length && (read = await section.Body.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false)) > 0)
            length += read;
        if (length > MaxFieldBytes) throw Invalid($"The form field 'format' is longer than {MaxFieldBytes} bytes.");
        return Encoding.UTF8.GetString(buffer, 0, length);
    }

    private static TesseraException Invalid(string message) => new(ChemErrorCodes.UploadFormInvalid, 400, message);
}
