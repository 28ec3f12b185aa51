using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Core.Blobs;
using Tessera.Platform.Downloads;
using Tessera.Server.Endpoints;
using Tessera.Testing;

namespace Tessera.Server.Tests;

public class BlobDownloadTests
{
    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task A_signed_url_downloads_the_blob_until_it_expires(string dialect)
    {
        var time = new ManualTimeProvider(DateTimeOffset.UtcNow);
        await using var app = await TesseraAppFactory.CreateAsync(dialect, s => s.AddSingleton<TimeProvider>(time));
        using var client = app.CreateClient();
        var blob = await app.Services.GetRequiredService<IBlobStore>().PutAsync(new MemoryStream("hello blob"u8.ToArray()));
        var url = await BlobEndpoints.SignDownloadAsync(app.Services.GetRequiredService<SignedDownloads>(), Guid.CreateVersion7(), blob.Sha256, TimeSpan.FromMinutes(10));

        var ok = await client.GetAsync(new Uri(url, UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal("hello blob", await ok.Content.ReadAsStringAsync());

        time.Advance(TimeSpan.FromMinutes(11));
        var expired = await client.GetAsync(new Uri(url, UriKind.Relative));
        Assert.Equal(HttpStatusCode.Forbidden, expired.StatusCode);
        Assert.Equal("SIGNATURE_EXPIRED", await CodeOf(expired));
    }

    [Fact]
    public async Task Tampered_or_missing_signatures_are_refused()
    {
        await using var app = await TesseraAppFactory.CreateAsync("sqlite");
        using var client = app.CreateClient();
        var blobs = app.Services.GetRequiredService<IBlobStore>();
        var a = await blobs.PutAsync(new MemoryStream("a"u8.ToArray()));
        var b = await blobs.PutAsync(new MemoryStream("b"u8.ToArray()));
        var owner = Guid.CreateVersion7();
        var url = await BlobEndpoints.SignDownloadAsync(app.Services.GetRequiredService<SignedDownloads>(), owner, a.Sha256, TimeSpan.FromMinutes(10));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri(url, UriKind.Relative))).StatusCode);

        var otherBlob = await client.GetAsync(new Uri(url.Replace(a.Sha256, b.Sha256, StringComparison.Ordinal), UriKind.Relative));
        Assert.Equal("SIGNATURE_INVALID", await CodeOf(otherBlob));
        var longerLife = await client.GetAsync(new Uri(url.Replace("expires=", "expires=9", StringComparison.Ordinal), UriKind.Relative));
        Assert.Equal("SIGNATURE_INVALID", await CodeOf(longerLife));
        var leadingZero = await client.GetAsync(new Uri(url.Replace("expires=", "expires=0", StringComparison.Ordinal), UriKind.Relative));
        Assert.Equal("SIGNATURE_INVALID", await CodeOf(leadingZero));
        var anotherOwner = await client.GetAsync(new Uri(url.Replace(owner.ToString(), Guid.CreateVersion7().ToString(), StringComparison.Ordinal), UriKind.Relative));
        Assert.Equal("SIGNATURE_INVALID", await CodeOf(anotherOwner));
        var noOwner = await client.GetAsync(new Uri(url.Replace($"owner={owner}&", "", StringComparison.Ordinal), UriKind.Relative));
        Assert.Equal("SIGNATURE_REQUIRED", await CodeOf(noOwner));
        var unsigned = await client.GetAsync(new Uri($"/api/v1/blobs/{a.Sha256}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Forbidden, unsigned.StatusCode);
        Assert.Equal("SIGNATURE_REQUIRED", await CodeOf(unsigned));
    }

    private static async Task<string?> CodeOf(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("code").GetString();
}
