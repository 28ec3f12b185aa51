using SkiaSharp;
using Tessera.Cards.Download;
using Tessera.Core.Errors;
using Tessera.Testing;

namespace Tessera.Cards.Tests.Validation;

/// <summary>Validation over a cache filled by a real download, with files then damaged on disk in each way it checks for.</summary>
public class ValidationTests
{
    private static byte[] Jpeg(int width, int height)
    {
        using var bitmap = new SKBitmap(width, height);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(SKColors.Teal);
            using var paint = new SKPaint { Color = SKColors.Orange };
            canvas.DrawCircle(width / 2f, height / 2f, width / 3f, paint);
        }
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(SKEncodedImageFormat.Jpeg, 90);
        return data.ToArray();
    }

    /// <summary>A PNG whose compressed pixel data is overwritten with noise (its length and chunks intact).</summary>
    private static byte[] Scrambled(byte[] png)
    {
        var copy = (byte[])png.Clone();
        var idat = copy.AsSpan().IndexOf("IDAT"u8) + 4;
        for (var i = idat + 2; i < idat + 40; i++) copy[i] = (byte)(i * 37);
        return copy;
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task Validation_excludes_exactly_the_damaged_files_with_their_reasons_and_fix_gets_them_downloaded_again(string dialect)
    {
        await using var rig = await CardsRig.CreateAsync(dialect);
        await using var server = await CardImagesServer.StartAsync();
        await rig.ImportJsonAsync(ScryfallBulk.Json(server.BaseUrl, Enumerable.Range(0, 6)));
        var download = new DownloadRequest { Workers = 2, RequestsPerSecond = 1000 };
        await rig.Downloads.DownloadAsync(rig.Owner, download, null, default);
        var files = rig.FilesOnDisk().Order(StringComparer.Ordinal).ToList();
        Assert.Equal(8, files.Count);
        var good = await File.ReadAllBytesAsync(files[0]);
        await File.WriteAllBytesAsync(files[0], good[..(good.Length / 2)]);
        await File.WriteAllTextAsync(files[1], "<html><body>rate limited</body></html>");
        await File.WriteAllBytesAsync(files[2], []);
        await File.WriteAllBytesAsync(files[3], TestPng.Create(8, 8, 1));
        await File.WriteAllBytesAsync(files[4], Scrambled(good));
        var jpeg = Jpeg(96, 128);
        await File.WriteAllBytesAsync(files[5], jpeg[..(jpeg.Length * 2 / 3)]);
        // A whole JPEG under a .png name is still a good image: the format is read from the bytes.
        await File.WriteAllBytesAsync(files[6], jpeg);

        var report = await rig.Validation.ValidateAsync(rig.Owner, fix: false, null, default);

        var folder = rig.Files.Folder(rig.Owner.OrgId);
        string Name(int i) => Path.GetRelativePath(folder, files[i]);
        Assert.Equal((8L, 2L), (report.Checked, report.Valid));
        Assert.Equal(
            new[] { (Name(0), "truncated"), (Name(1), "wrong_type"), (Name(2), "empty"), (Name(3), "tiny"), (Name(4), "corrupt"), (Name(5), "truncated") }.Order(),
            report.Invalid.Select(i => (i.File, i.Reason)).Order());
        Assert.All(report.Invalid, i => Assert.StartsWith(server.BaseUrl.AbsoluteUri, i.Url, StringComparison.Ordinal));
        Assert.Equal(8, rig.FilesOnDisk().Length);

        var fixedReport = await rig.Validation.ValidateAsync(rig.Owner, fix: true, null, default);
        Assert.Equal(6, fixedReport.Invalid.Count);
        Assert.Equal(2, rig.FilesOnDisk().Length);
        var status = await rig.Status.GetAsync(rig.Owner, default);
        Assert.Equal(2, status.FailedByReason["invalid_truncated"]);
        Assert.Equal(1, status.FailedByReason["invalid_wrong_type"]);

        var again = await rig.Downloads.DownloadAsync(rig.Owner, download, null, default);
        Assert.Equal((6L, 2L), (again.Downloaded, again.Skipped));
        var clean = await rig.Validation.ValidateAsync(rig.Owner, fix: false, null, default);
        Assert.Equal((8L, 0), (clean.Valid, clean.Invalid.Count));

        var empty = await Assert.ThrowsAsync<TesseraException>(() => rig.Validation.ValidateAsync(CardsRig.NewOwner(), fix: false, null, default));
        Assert.Equal(CardsErrorCodes.CacheEmpty, empty.Code);
    }
}
