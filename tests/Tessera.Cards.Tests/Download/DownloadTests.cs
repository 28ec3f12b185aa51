using Tessera.Cards.Download;
using Tessera.Core.Errors;
using Tessera.Testing;

namespace Tessera.Cards.Tests.Download;

/// <summary>Downloads over real HTTP on loopback from <see cref="CardImagesServer"/>, faults injected per image.</summary>
public class DownloadTests
{
    private static DownloadRequest Fast(int workers = 4) => new() { Workers = workers, RequestsPerSecond = 1000, Seed = 7 };

    private static async Task<(CardsRig Rig, CardImagesServer Server, List<string> Paths)> SetUpAsync(string dialect, int cards, CardsSettings? settings = null)
    {
        var rig = await CardsRig.CreateAsync(dialect, settings);
        var server = await CardImagesServer.StartAsync();
        await rig.ImportJsonAsync(ScryfallBulk.Json(server.BaseUrl, Enumerable.Range(0, cards)));
        var paths = Enumerable.Range(0, cards)
            .SelectMany(i => ScryfallBulk.IsDoubleFaced(i) ? new[] { ScryfallBulk.ImagePath(i, 0, "normal"), ScryfallBulk.ImagePath(i, 1, "normal") } : [ScryfallBulk.ImagePath(i, 0, "normal")])
            .ToList();
        return (rig, server, paths);
    }

    private static string Bare(string path) => path.Split('?')[0];

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task A_download_with_faults_stores_every_good_image_exactly_once_and_reports_every_bad_one_with_its_reason(string dialect)
    {
        // A read timeout shorter than the slow body's pause (8 s), so that image times out once, and long enough that no
        // other image does on a loaded CI machine (at 2 s one did).
        var settings = CardsRig.TestSettings();
        settings.ReadTimeoutSeconds = 4;
        var (rig, server, paths) = await SetUpAsync(dialect, 12, settings);
        await using var _ = rig;
        await using var __ = server;
        server.Fail(paths[0], ImageFault.TooManyRequests);
        server.Fail(paths[1], ImageFault.ServerError, ImageFault.ServerError);
        server.Fail(paths[2], ImageFault.Truncated);
        server.Fail(paths[3], ImageFault.Slow);
        server.Fail(paths[4], ImageFault.NotFound);
        server.Fail(paths[5], ImageFault.ServerError, ImageFault.ServerError, ImageFault.ServerError);
        server.Fail(paths[6], ImageFault.Truncated, ImageFault.Truncated, ImageFault.Truncated);

        var report = await rig.Downloads.DownloadAsync(rig.Owner, Fast(), null, default);

        Assert.Equal((16L, 13L, 0L, 3L), (report.Total, report.Downloaded, report.Skipped, report.Failed));
        Assert.Equal(new Dictionary<string, long> { ["http_404"] = 1, ["http_500"] = 1, ["truncated"] = 1 }, report.FailedByReason);
        var bad = new[] { paths[4], paths[5], paths[6] };
        foreach (var path in paths.Except(bad))
        {
            var url = new Uri(server.BaseUrl, path).AbsoluteUri;
            Assert.Equal(1, server.Bodies[Bare(path)]);
            Assert.Equal(CardImagesServer.ImageOf(Bare(path)), await File.ReadAllBytesAsync(rig.ImagePath(url)));
        }
        Assert.Equal(13, rig.FilesOnDisk().Length);
        Assert.DoesNotContain(rig.FilesOnDisk(), f => f.EndsWith(".part", StringComparison.Ordinal));
        Assert.Equal(2, server.Requests[Bare(paths[0])]);
        Assert.Equal(1, server.Requests[Bare(paths[4])]);
        Assert.Equal(3, server.Requests[Bare(paths[5])]);
        var failed = (await rig.DownloadRowsAsync()).Where(r => r.State == "failed").Select(r => (r.Url, r.Reason)).ToList();
        Assert.Equal(
            new[] { (paths[4], "http_404"), (paths[5], "http_500"), (paths[6], "truncated") }.Select(p => (new Uri(server.BaseUrl, p.Item1).AbsoluteUri, (string?)p.Item2)).Order(),
            failed.Order());
        Assert.All(server.UserAgents, ua => Assert.StartsWith("Tessera-Cards/", ua, StringComparison.Ordinal));

        var status = await rig.Status.GetAsync(rig.Owner, default);
        Assert.Equal((13L, 3L), (status.Downloaded, status.Failed));
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task A_run_cancelled_midway_and_run_again_fetches_only_what_it_did_not_have(string dialect)
    {
        var (rig, server, paths) = await SetUpAsync(dialect, 30);
        await using var _ = rig;
        await using var __ = server;
        server.ImageDelay = TimeSpan.FromMilliseconds(50);
        using var cancel = new CancellationTokenSource();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => rig.Downloads.DownloadAsync(rig.Owner, Fast(workers: 3), p =>
        {
            if (p.Done >= 10) cancel.Cancel();
            return Task.CompletedTask;
        }, cancel.Token));

        var had = rig.FilesOnDisk().Where(f => !f.EndsWith(".part", StringComparison.Ordinal)).ToHashSet();
        Assert.InRange(had.Count, 10, paths.Count - 1);
        var requestsBefore = new Dictionary<string, int>(server.Requests);
        server.ImageDelay = TimeSpan.Zero;

        var rerun = await rig.Downloads.DownloadAsync(rig.Owner, Fast(workers: 3), null, default);

        Assert.Equal((40L, had.Count, 40L - had.Count, 0L), (rerun.Total, rerun.Skipped, rerun.Downloaded, rerun.Failed));
        foreach (var path in paths)
        {
            var file = rig.ImagePath(new Uri(server.BaseUrl, path).AbsoluteUri);
            Assert.Equal(CardImagesServer.ImageOf(Bare(path)), await File.ReadAllBytesAsync(file));
            // What the first run stored was not asked for again.
            if (had.Contains(file)) Assert.Equal(requestsBefore[Bare(path)], server.Requests[Bare(path)]);
        }
        // At most the images in flight when it was cancelled (one per worker) were fetched twice.
        Assert.InRange(paths.Count(p => server.Bodies[Bare(p)] == 2), 0, 3);
        Assert.All(paths, p => Assert.InRange(server.Bodies[Bare(p)], 1, 2));
        Assert.DoesNotContain(rig.FilesOnDisk(), f => f.EndsWith(".part", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task A_revalidating_run_asks_with_the_recorded_etag_and_keeps_unchanged_images(string dialect)
    {
        var (rig, server, paths) = await SetUpAsync(dialect, 4);
        await using var _ = rig;
        await using var __ = server;
        await rig.Downloads.DownloadAsync(rig.Owner, Fast(), null, default);

        var plain = await rig.Downloads.DownloadAsync(rig.Owner, Fast(), null, default);
        var stored = await rig.Status.GetAsync(rig.Owner, default);
        var revalidated = await rig.Downloads.DownloadAsync(rig.Owner, Fast() with { Revalidate = true }, null, default);

        Assert.Equal((5L, 0L, 0L), (plain.Skipped, plain.Unchanged, plain.Downloaded));
        Assert.Equal((5L, 5L, 0L), (revalidated.Skipped, revalidated.Unchanged, revalidated.Downloaded));
        // A 304 confirms what the download recorded: its bytes (and hash) stay.
        Assert.True(stored.DownloadedBytes > 0);
        var after = await rig.Status.GetAsync(rig.Owner, default);
        Assert.Equal((stored.Downloaded, stored.DownloadedBytes), (after.Downloaded, after.DownloadedBytes));
        Assert.All(paths, p => Assert.Equal((2, 1, 1), (server.Requests[Bare(p)], server.Bodies[Bare(p)], server.NotModified[Bare(p)])));
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task A_limit_takes_that_many_images_and_an_empty_catalog_is_refused(string dialect)
    {
        var (rig, server, _) = await SetUpAsync(dialect, 6);
        await using var _ = rig;
        await using var __ = server;

        var limited = await rig.Downloads.DownloadAsync(rig.Owner, Fast() with { Limit = 3 }, null, default);
        var empty = await Assert.ThrowsAsync<TesseraException>(() => rig.Downloads.DownloadAsync(CardsRig.NewOwner(), Fast(), null, default));
        var noSuchSize = await Assert.ThrowsAsync<TesseraException>(() => rig.Downloads.DownloadAsync(rig.Owner, Fast() with { Size = "art_crop" }, null, default));

        Assert.Equal((3L, 3L), (limited.Total, limited.Downloaded));
        Assert.Equal(3, rig.FilesOnDisk().Length);
        Assert.Equal(CardsErrorCodes.CatalogEmpty, empty.Code);
        Assert.Equal(CardsErrorCodes.CatalogEmpty, noSuchSize.Code);
    }
}
