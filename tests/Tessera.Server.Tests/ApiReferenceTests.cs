using System.Net;
using System.Text.RegularExpressions;

namespace Tessera.Server.Tests;

public partial class ApiReferenceTests
{
    [Fact]
    public async Task The_api_reference_page_loads_the_openapi_document_with_assets_served_here()
    {
        await using var app = await TesseraAppFactory.CreateAsync("sqlite");
        using var client = app.CreateClient();

        var page = await client.GetAsync(new Uri("/api/reference", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        var html = await page.Content.ReadAsStringAsync();
        var pageUri = page.RequestMessage!.RequestUri!;

        // Offline: nothing on the page points to another host, and every script it names is served by this app.
        Assert.DoesNotMatch(AbsoluteUrl(), html);
        var scripts = ScriptSource().Matches(html).Select(m => m.Groups["src"].Value).ToList();
        Assert.NotEmpty(scripts);
        foreach (var script in scripts)
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri(pageUri, script))).StatusCode);

        // The page loads the document from the site root (Scalar resolves it against the path above /api/reference/).
        Assert.Contains("\"url\":\"openapi/v1.json\"", html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/openapi/v1.json", UriKind.Relative))).StatusCode);
    }

    [GeneratedRegex("(https?:)?//[a-z0-9.-]+\\.[a-z]{2,}", RegexOptions.IgnoreCase)]
    private static partial Regex AbsoluteUrl();

    [GeneratedRegex("<script[^>]*\\ssrc=\"(?<src>[^\"]+)\"", RegexOptions.IgnoreCase)]
    private static partial Regex ScriptSource();
}
