using System.Diagnostics;
using System.Net.Http.Headers;
using Tessera.Cards.Download;
using Tessera.Core.Errors;

namespace Tessera.Cards.Tests.Download;

/// <summary>The download's parts on their own: arguments, names, delays, the rate limit and the summary's arithmetic.</summary>
public class DownloadPartsTests
{
    [Theory]
    [InlineData(0, null, "normal", null, "--workers")]
    [InlineData(129, null, "normal", null, "--workers")]
    [InlineData(16, 0, "normal", null, "--limit")]
    [InlineData(16, null, "huge", null, "--size")]
    [InlineData(16, null, "normal", 0.0, "--rate")]
    public void Each_argument_out_of_range_is_refused_naming_its_flag(int workers, int? limit, string size, double? rate, string flag)
    {
        var error = Assert.Throws<TesseraException>(() => new DownloadRequest { Workers = workers, Limit = limit, Size = size, RequestsPerSecond = rate }.Validate());
        Assert.Contains(flag, error.Message, StringComparison.Ordinal);
        Assert.Equal(400, error.Status);
    }

    [Fact]
    public void File_names_are_the_urls_hash_so_different_urls_never_share_a_file()
    {
        var a = ImageFiles.NameOf("https://cards.scryfall.io/normal/front/6/d/6da045f8.jpg?1562404626");
        var b = ImageFiles.NameOf("https://cards.scryfall.io/normal/front/6/d/6da045f8.jpg?1562404627");
        var odd = ImageFiles.NameOf("https://example.org/image?id=3");

        Assert.NotEqual(a, b);
        Assert.Equal(a, ImageFiles.NameOf("https://cards.scryfall.io/normal/front/6/d/6da045f8.jpg?1562404626"));
        Assert.EndsWith(".jpg", a, StringComparison.Ordinal);
        Assert.EndsWith(".img", odd, StringComparison.Ordinal);
        Assert.Equal(2 + 1 + 64 + 4, a.Length);
    }

    [Fact]
    public void Backoff_doubles_with_jitter_and_a_longer_retry_after_is_honoured_up_to_the_cap()
    {
        var delays = new RetryDelays(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(10), seed: 1);
        var now = new DateTimeOffset(2026, 12, 6, 0, 0, 0, TimeSpan.Zero);

        Assert.InRange(delays.Backoff(1).TotalMilliseconds, 50, 100);
        Assert.InRange(delays.Backoff(3).TotalMilliseconds, 200, 400);
        Assert.InRange(delays.Backoff(30).TotalMilliseconds, 5_000, 10_000);
        Assert.Equal(TimeSpan.FromSeconds(3), delays.After(1, new RetryConditionHeaderValue(TimeSpan.FromSeconds(3)), now));
        Assert.Equal(TimeSpan.FromSeconds(4), delays.After(1, new RetryConditionHeaderValue(now.AddSeconds(4)), now));
        Assert.Null(delays.After(1, new RetryConditionHeaderValue(TimeSpan.FromSeconds(60)), now));
        Assert.InRange(delays.After(2, null, now)!.Value.TotalMilliseconds, 100, 200);
    }

    [Fact]
    public async Task The_rate_limit_spaces_requests_to_one_host_and_leaves_other_hosts_alone()
    {
        await using var limiter = new HostRateLimiter(10);
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < 6; i++) await limiter.WaitAsync(new Uri("https://api.scryfall.com/cards"), default);
        var oneHost = clock.Elapsed;
        clock.Restart();
        await limiter.WaitAsync(new Uri("https://cards.scryfall.io/a.jpg"), default);

        // Six permits at 10/s: the first at once, then one per 100 ms.
        Assert.True(oneHost >= TimeSpan.FromMilliseconds(400), $"six requests took {oneHost.TotalMilliseconds} ms");
        Assert.True(clock.Elapsed < TimeSpan.FromMilliseconds(100), $"another host waited {clock.Elapsed.TotalMilliseconds} ms");
    }

    [Fact]
    public void A_summary_of_nothing_reads_zero_rates_and_no_eta()
    {
        var empty = new DownloadReport();

        Assert.Equal((0.0, 0.0, 0.0), (empty.ImagesPerSecond, empty.BytesPerSecond, empty.FailureRate));
        Assert.Null(empty.EtaSeconds);
        Assert.DoesNotContain("NaN", DownloadSummary.Line(empty), StringComparison.Ordinal);
        Assert.DoesNotContain("∞", DownloadSummary.Line(empty), StringComparison.Ordinal);
    }
}
