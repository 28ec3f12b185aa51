using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using Tessera.Testing;
using static Microsoft.Playwright.Assertions;

namespace Tessera.Web.Tests;

/// <summary>
/// The Guides page in a real browser: a narrated recording uploaded and followed to its drafted steps, a step edited,
/// moved and undone, saved as a version (and a stale save refused), exported and downloaded.
/// </summary>
public sealed class GuidesPageTests : IDisposable
{
    private static readonly PageGotoOptions Loaded = new() { WaitUntil = WaitUntilState.Load };

    // ffmpeg and the worker compete with every other test assembly for two cores in CI.
    private static readonly LocatorAssertionsToContainTextOptions UntilDone = new() { Timeout = 180_000 };

    private readonly string _dir = Directory.CreateTempSubdirectory("tessera-guides-page-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task A_person_uploads_a_recording_edits_its_steps_with_undo_saves_exports_and_downloads_the_bundle()
    {
        var video = Path.Combine(_dir, "settings-tour.mkv");
        await File.WriteAllBytesAsync(video, await NarratedVideos.MakeAsync(withSubtitles: true));
        await using var server = await WebServer.StartAsync("sqlite");
        await using var browser = await Browser.LaunchAsync();
        var page = await ChemPageTests.SignedInAsync(server, browser, "grace@example.org", "docs-team");

        await page.GotoAsync("/guides", Loaded);
        // Nothing chosen: said before anything is sent.
        await page.GetByRole(AriaRole.Button, new() { Name = "Upload and write the steps" }).ClickAsync();
        await Expect(page.Locator("#new-message")).ToHaveTextAsync("Choose a recording first.");
        await page.GetByLabel("Project").FillAsync("Onboarding");
        await page.GetByLabel("Recording").SetInputFilesAsync(video);
        await page.GetByRole(AriaRole.Button, new() { Name = "Upload and write the steps" }).ClickAsync();
        await Expect(page.Locator("#job-facts")).ToContainTextAsync("DRAFTED", UntilDone);
        await Expect(page.Locator(".editor-step")).ToHaveCountAsync(NarratedVideos.Steps.Length);
        await Expect(page.Locator("#editor-version")).ToContainTextAsync("Version 1 (drafted from the narration), valid");
        for (var i = 0; i < NarratedVideos.Steps.Length; i++)
            await Expect(page.GetByLabel($"Step {i + 1} text")).ToHaveValueAsync(NarratedVideos.Steps[i]);
        await Expect(page.GetByAltText("Screenshot of step 2")).ToBeVisibleAsync();
        await Browser.CheckAsync(page, "guides-01-drafted");

        // Edit, move and undo the move; the edit stays.
        await page.GetByLabel("Step 1 text").FillAsync("Open Settings from the menu bar.");
        await page.GetByLabel("Step 1 text").BlurAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Move step 3 up" }).ClickAsync();
        await Expect(page.GetByLabel("Step 2 text")).ToHaveValueAsync(NarratedVideos.Steps[2]);
        await page.GetByRole(AriaRole.Button, new() { Name = "Undo" }).ClickAsync();
        await Expect(page.GetByLabel("Step 2 text")).ToHaveValueAsync(NarratedVideos.Steps[1]);
        await Expect(page.GetByLabel("Step 1 text")).ToHaveValueAsync("Open Settings from the menu bar.");
        // Exporting unsaved edits is refused with the reason.
        await page.GetByRole(AriaRole.Button, new() { Name = "Export the saved version" }).ClickAsync();
        await Expect(page.Locator("#export-message")).ToContainTextAsync("Save your edits first");
        // Step 3 loses its screenshot: saved, the version needs review and says why.
        await page.GetByLabel("Step 3 screenshot").SelectOptionAsync("");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save as a new version" }).ClickAsync();
        await Expect(page.Locator("#editor-message")).ToHaveTextAsync("Saved as version 2.");
        await Expect(page.Locator("#editor-version")).ToContainTextAsync("Version 2 (edited), needs review");
        await Expect(page.Locator(".editor-step").Nth(2)).ToContainTextAsync("No screenshot");

        // Someone else saves meanwhile (the same account in another tab): this page's next save is refused, nothing lost on the server.
        var other = await page.Context.NewPageAsync();
        await other.GotoAsync(page.Url, Loaded);
        await Expect(other.Locator("#editor-version")).ToContainTextAsync("Version 2");
        await other.GetByLabel("Step 3 screenshot").SelectOptionAsync(new SelectOptionValue { Index = 3 });
        await other.GetByRole(AriaRole.Button, new() { Name = "Save as a new version" }).ClickAsync();
        await Expect(other.Locator("#editor-message")).ToHaveTextAsync("Saved as version 3.");
        await page.GetByLabel("Step 2 text").FillAsync("Click Privacy, on the left.");
        await page.GetByLabel("Step 2 text").BlurAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Save as a new version" }).ClickAsync();
        await Expect(page.Locator("#editor-message")).ToContainTextAsync("someone saved version 3 after you loaded version 2");
        await page.GetByRole(AriaRole.Button, new() { Name = "Reload" }).ClickAsync();
        await Expect(page.Locator("#editor-version")).ToContainTextAsync("Version 3 (edited), valid");

        // Rewrite step 3 from the narration: refused while an edit is unsaved, then the next version, written by the server.
        await page.GetByLabel("Step 3 text").FillAsync("Press the button.");
        await page.GetByLabel("Step 3 text").BlurAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Rewrite step 3 from the narration" })).ToBeDisabledAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Undo" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Rewrite step 3 from the narration" }).ClickAsync();
        await Expect(page.Locator("#editor-message")).ToHaveTextAsync("Rewritten as version 4.", new() { Timeout = 60_000 });
        await Expect(page.Locator("#editor-version")).ToContainTextAsync("Version 4 (rewritten from the narration), valid");
        await Expect(page.GetByLabel("Step 3 text")).ToHaveValueAsync(NarratedVideos.Steps[2]);

        // Annotate step 2: a box dragged on its screenshot and a text mark, one undone, then applied: the step shows the render.
        await page.GetByRole(AriaRole.Button, new() { Name = "Annotate step 2" }).ClickAsync();
        await Expect(page.Locator("#annotate-heading")).ToHaveTextAsync("Annotate step 2");
        var canvas = (await page.Locator("#annotate-canvas").BoundingBoxAsync())!;
        await DragAsync(page, canvas, (0.1f, 0.1f), (0.5f, 0.4f));
        await page.GetByLabel("Mark").SelectOptionAsync("text");
        await page.GetByLabel("Text", new() { Exact = true }).FillAsync("Privacy is here");
        await DragAsync(page, canvas, (0.2f, 0.7f), (0.2f, 0.7f));
        await Expect(page.Locator("#annotate-ops li")).ToHaveCountAsync(2);
        await page.GetByRole(AriaRole.Button, new() { Name = "Undo the last mark" }).ClickAsync();
        await Expect(page.Locator("#annotate-ops li")).ToHaveCountAsync(1);
        await Expect(page.Locator("#annotate-ops li").First).ToContainTextAsync("\"type\":\"box\"");
        await page.GetByRole(AriaRole.Button, new() { Name = "Apply the marks" }).ClickAsync();
        await Expect(page.Locator("#annotate-message")).ToContainTextAsync("Drawn on step 2's screenshot (1 mark(s))");
        await Expect(page.GetByAltText("Screenshot of step 2")).ToHaveAttributeAsync("src", new System.Text.RegularExpressions.Regex("/api/v1/guides/assets/"));
        await Browser.CheckAsync(page, "guides-02-annotated");
        await page.GetByRole(AriaRole.Button, new() { Name = "Close" }).ClickAsync();

        // Export the saved version as HTML and download it through the page's link.
        await page.GetByLabel("Format").SelectOptionAsync("html");
        await page.GetByRole(AriaRole.Button, new() { Name = "Export the saved version" }).ClickAsync();
        await Expect(page.Locator("#export-message")).ToContainTextAsync("Exported version 4 as html", UntilDone);
        await Expect(page.Locator("#job-facts")).ToContainTextAsync("DONE");
        await Browser.CheckAsync(page, "guides-03-exported");
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "Download the bundle" }).ClickAsync());
        var saved = Path.Combine(_dir, "bundle.zip");
        await download.SaveAsAsync(saved);
        using var zip = ZipFile.OpenRead(saved);
        using var reader = new StreamReader(zip.GetEntry("guide.html")!.Open(), Encoding.UTF8);
        var html = await reader.ReadToEndAsync();
        Assert.Contains("<h1>Onboarding</h1>", html, StringComparison.Ordinal);
        Assert.Contains("<li id=\"step-1\">Open Settings from the menu bar.<img", html, StringComparison.Ordinal);
        Assert.Equal(3, zip.Entries.Count(e => e.FullName.StartsWith("images/", StringComparison.Ordinal)));
        // Step 2's picture is the annotated render (the anchor's active asset), not the frame.
        var job = System.Web.HttpUtility.ParseQueryString(new Uri(page.Url).Fragment.TrimStart('#'))["job"];
        var instructions = JsonNode.Parse(await (await page.APIRequest.GetAsync($"/api/v1/guides/jobs/{job}/instructions")).TextAsync())!;
        var anchors = JsonNode.Parse(await (await page.APIRequest.GetAsync($"/api/v1/guides/instructions/{instructions["id"]}/anchors")).TextAsync())!.AsArray();
        var render = Assert.Single(anchors)!["active_asset"]!;
        Assert.Equal("annotated", render["kind"]!.GetValue<string>());
        Assert.NotNull(zip.GetEntry($"images/{render["sha256"]!.GetValue<string>()[..16]}.png"));

        // Step 1 gets a screenshot of one's own (here the render's PNG): uploaded, checked by the server, pinned to the step.
        var image = Path.Combine(_dir, "my-screenshot.png");
        await File.WriteAllBytesAsync(image, await (await page.APIRequest.GetAsync($"/api/v1/guides/assets/{render["id"]}")).BodyAsync());
        await page.GetByLabel("Upload a screenshot for step 1").SetInputFilesAsync(image);
        await Expect(page.Locator("#editor-message")).ToHaveTextAsync("Step 1 shows your screenshot; exports show it.");
        await Expect(page.GetByAltText("Screenshot of step 1")).ToHaveAttributeAsync("src", new System.Text.RegularExpressions.Regex("/api/v1/guides/assets/"));
    }

    private static async Task DragAsync(IPage page, LocatorBoundingBoxResult box, (float X, float Y) from, (float X, float Y) to)
    {
        await page.Mouse.MoveAsync(box.X + box.Width * from.X, box.Y + box.Height * from.Y);
        await page.Mouse.DownAsync();
        await page.Mouse.MoveAsync(box.X + box.Width * to.X, box.Y + box.Height * to.Y, new() { Steps = 4 });
        await page.Mouse.UpAsync();
    }
}
