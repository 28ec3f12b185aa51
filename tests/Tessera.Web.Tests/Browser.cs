using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using Tessera.Testing;

namespace Tessera.Web.Tests;

/// <summary>
/// Debian's chromium driven by Playwright (never a downloaded browser), one context per test, with the checks every
/// page gets: a screenshot under TestResults/web/ and an axe-core scan with no serious or critical violation.
/// </summary>
internal sealed class Browser : IAsyncDisposable
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private static readonly string[] ChromiumArgs = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"];

    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;

    private Browser(IPlaywright playwright, IBrowser browser)
    {
        _playwright = playwright;
        _browser = browser;
    }

    public static string ScreenshotFolder => Path.Combine(RepoPaths.Root, "TestResults", "web");

    /// <summary>
    /// Chromium with WebGL drawn in software (SwiftShader through ANGLE), for pages that draw with WebGL: the
    /// test machines have no GPU, and chromium no longer falls back to software WebGL unless told to.
    /// </summary>
    public static Task<Browser> LaunchWithWebGlAsync() =>
        LaunchAsync(["--headless", "--no-sandbox", "--use-angle=swiftshader", "--enable-unsafe-swiftshader", "--disable-background-networking"]);

    public static Task<Browser> LaunchAsync() => LaunchAsync(ChromiumArgs);

    private static async Task<Browser> LaunchAsync(string[] args)
    {
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = args,
        });
        return new Browser(playwright, browser);
    }

    public async Task<IPage> NewPageAsync(Uri baseAddress)
    {
        var context = await _browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = baseAddress.ToString(),
            AcceptDownloads = true,
            ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
        });
        return await context.NewPageAsync();
    }

    /// <summary>Saves a full-page screenshot and fails on any serious or critical accessibility violation.</summary>
    public static async Task CheckAsync(IPage page, string name)
    {
        Directory.CreateDirectory(ScreenshotFolder);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotFolder, name + ".png"), FullPage = true });
        var result = await page.RunAxe();
        var serious = result.Violations.Where(v => v.Impact is "serious" or "critical")
            .Select(v => $"{v.Id} ({v.Impact}): {v.Help} at {string.Join(", ", v.Nodes.Select(n => n.Target?.ToString()))}").ToList();
        Assert.True(serious.Count == 0, $"Accessibility violations on {page.Url}:\n" + string.Join("\n", serious));
    }

    public async ValueTask DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
    }
}
