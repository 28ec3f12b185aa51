using SkiaSharp;
using Tessera.Core.Blobs;
using Tessera.Core.Errors;
using Tessera.Core.Identity;
using Tessera.Data;
using Tessera.Guides.Anchors;
using Tessera.Guides.Storage;

namespace Tessera.Guides.Screenshots;

/// <summary>
/// Screenshots a user uploads for a job, as videos are: the bytes first (201; the same bytes again for the same job
/// answer the same upload, 200), then confirm, which decodes them with SkiaSharp (a PNG or JPEG of at most
/// <see cref="MaxSide"/> pixels a side and <see cref="MaxPixels"/> in all, so a small file cannot ask for a huge
/// bitmap) and makes the job's raw upload asset, stored as PNG like every screenshot.
/// Confirming again answers the same asset. The asset then attaches to an anchor (<see cref="AnchorService.AttachUploadAsync"/>).
/// </summary>
internal sealed class ScreenshotUploadService(TesseraDatabase database, IBlobStore blobs, TimeProvider time)
{
    public const int MaxBytes = 20 * 1024 * 1024;
    public const int MaxSide = 8192;
    public const long MaxPixels = 36_000_000;

    public async Task<(ScreenshotUpload Upload, bool Created)> UploadAsync(Principal caller, Guid jobId, Stream body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(body);
        caller.Require(Permissions.RunsWrite);
        await using (var c = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
            _ = await GuideRows.FindJobAsync(c, null, database.Dialect, caller.OrgId, caller.UserId, jobId, cancellationToken).ConfigureAwait(false) ?? throw TesseraException.NotFound();
        var bytes = await ReadBoundedAsync(body, cancellationToken).ConfigureAwait(false);
        if (bytes.Length == 0) throw new TesseraException(GuidesErrorCodes.UploadFormInvalid, 400, "The body is empty: send the image's bytes as the request body.");
        var blob = await blobs.PutAsync(new MemoryStream(bytes), cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();
        var upload = new ScreenshotUpload
        {
            Id = Guid.CreateVersion7(now), JobId = jobId, OrgId = caller.OrgId, UserId = caller.UserId, Sha256 = blob.Sha256, SizeBytes = blob.Size, CreatedAt = now,
        };
        await using var db = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        if (await ScreenshotRows.TryInsertUploadAsync(db, upload, cancellationToken).ConfigureAwait(false)) return (upload, true);
        return ((await ScreenshotRows.FindUploadByBytesAsync(db, jobId, blob.Sha256, cancellationToken).ConfigureAwait(false))!, false);
    }

    /// <summary>The upload confirmed, with its asset; a 422 <c>SCREENSHOT_INVALID</c> (and nothing recorded) when its bytes are no usable image.</summary>
    public async Task<(ScreenshotUpload Upload, GuideAsset Asset)> ConfirmAsync(Principal caller, Guid jobId, Guid id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        caller.Require(Permissions.RunsWrite);
        ScreenshotUpload upload;
        await using (var c = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
            upload = await ScreenshotRows.FindUploadAsync(c, null, database.Dialect, caller.OrgId, caller.UserId, jobId, id, cancellationToken).ConfigureAwait(false)
                ?? throw TesseraException.NotFound();
        if (upload.AssetId is null)
        {
            // Decoded and stored before the transaction; a racing confirm may store the same PNG too, which is harmless.
            var (png, width, height) = await DecodeAsync(upload.Sha256, cancellationToken).ConfigureAwait(false);
            var blob = await blobs.PutAsync(new MemoryStream(png), cancellationToken).ConfigureAwait(false);
            var now = time.GetUtcNow();
            var fresh = new GuideAsset
            {
                Id = Guid.CreateVersion7(now), JobId = jobId, OrgId = caller.OrgId, UserId = caller.UserId, Kind = AssetKind.Upload, Sha256 = blob.Sha256,
                Width = width, Height = height, CreatedAt = now,
            };
            upload = await database.InTransactionAsync(async (c, t) =>
            {
                var locked = (await ScreenshotRows.FindUploadAsync(c, t, database.Dialect, caller.OrgId, caller.UserId, jobId, id, cancellationToken).ConfigureAwait(false))!;
                if (locked.AssetId is not null) return locked;
                var asset = await AnchorRows.TryInsertAssetAsync(c, t, fresh, cancellationToken).ConfigureAwait(false)
                    ? fresh : (await AnchorRows.FindRawAssetAsync(c, t, jobId, AssetKind.Upload, blob.Sha256, cancellationToken).ConfigureAwait(false))!;
                await ScreenshotRows.ConfirmUploadAsync(c, t, id, asset.Id, now, cancellationToken).ConfigureAwait(false);
                return locked with { AssetId = asset.Id, ConfirmedAt = now };
            }, cancellationToken).ConfigureAwait(false);
        }
        await using (var c = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
            return (upload, (await AnchorRows.FindAssetAsync(c, caller.OrgId, caller.UserId, upload.AssetId!.Value, cancellationToken).ConfigureAwait(false))!);
    }

    /// <summary>The upload as PNG (a PNG as it is, a JPEG re-encoded) with its size, or a 422 naming why it is not usable.</summary>
    private async Task<(byte[] Png, int Width, int Height)> DecodeAsync(string sha256, CancellationToken cancellationToken)
    {
        if (!await blobs.ExistsAsync(sha256, cancellationToken).ConfigureAwait(false))
            throw new TesseraException(GuidesErrorCodes.ScreenshotInvalid, 422, "The upload's bytes are no longer stored (an upload not confirmed in time is removed): upload it again.");
        byte[] bytes;
        await using (var stream = await blobs.OpenReadAsync(sha256, cancellationToken).ConfigureAwait(false))
            bytes = await ReadBoundedAsync(stream, cancellationToken).ConfigureAwait(false);
        using var codec = SKCodec.Create(new MemoryStream(bytes));
        if (codec is null || codec.EncodedFormat is not (SKEncodedImageFormat.Png or SKEncodedImageFormat.Jpeg))
            throw new TesseraException(GuidesErrorCodes.ScreenshotInvalid, 422, "The upload is not a PNG or JPEG image.");
        var (width, height) = (codec.Info.Width, codec.Info.Height);
        if (width < 1 || height < 1 || width > MaxSide || height > MaxSide || (long)width * height > MaxPixels)
            throw new TesseraException(GuidesErrorCodes.ScreenshotInvalid, 422,
                $"The image is {width}×{height}: a screenshot may be at most {MaxSide} pixels a side and {MaxPixels / 1_000_000} megapixels in all.");
        // Decoding it whole catches a file cut short, whose header alone reads well.
        using var bitmap = new SKBitmap(codec.Info.WithColorType(SKColorType.Rgba8888).WithAlphaType(SKAlphaType.Premul));
        if (codec.GetPixels(bitmap.Info, bitmap.GetPixels()) is not SKCodecResult.Success)
            throw new TesseraException(GuidesErrorCodes.ScreenshotInvalid, 422, "The image could not be decoded whole (is it cut short?).");
        if (codec.EncodedFormat == SKEncodedImageFormat.Png) return (bytes, width, height);
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return (data.ToArray(), width, height);
    }

    private static async Task<byte[]> ReadBoundedAsync(Stream body, CancellationToken cancellationToken)
    {
        using var bytes = new MemoryStream();
        var buffer = new byte[64 * 1024];
        int read;
        while ((read = await body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (bytes.Length + read > MaxBytes) throw new TesseraException(ErrorCodes.PayloadTooLarge, 413, $"A screenshot may be at most {MaxBytes} bytes.");
            bytes.Write(buffer, 0, read);
        }
        return bytes.ToArray();
    }
}
