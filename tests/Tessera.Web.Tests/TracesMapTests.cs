using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Tessera.Data.Identity;
using Tessera.Inference.Classical;
using Tessera.Inference.Embeddings;
using Tessera.Testing;
using static Microsoft.Playwright.Assertions;

namespace Tessera.Web.Tests;

/// <summary>The Traces map in a real browser (WebGL in software) over points seeded with SQL, on both dialects.</summary>
public sealed class TracesMapTests
{
    private static readonly PageGotoOptions Loaded = new() { WaitUntil = WaitUntilState.Load };

    private static readonly AuditActor TestActor = new(null, null, "test");

    // The page polls the points' ETag every five seconds.
    private static readonly LocatorAssertionsToContainTextOptions UntilPolled = new() { Timeout = 20_000 };

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task The_map_draws_hovers_opens_a_run_selects_exports_and_updates(string dialect)
    {
        await using var server = await WebServer.StartAsync(dialect);
        var (seed, email) = await MemberWithSeedAsync(server, "grace@example.org", "lab-traces");
        var alpha = await seed.SourceAsync("alpha");
        var beta = await seed.SourceAsync("beta");
        await seed.RunAsync(alpha, "runs/a1.jsonl", 120, 0, 0);
        await seed.RunAsync(alpha, "runs/a2.jsonl", 80, 0.4, 0.2);
        // The run a selection exports, far from the others; its first entry is a spreadsheet formula.
        var selected = await seed.RunAsync(beta, "b1.jsonl", 12, 6, 6, i => i == 0 ? "=HYPERLINK(\"http://evil.example\")" : $"beta entry {i}");
        var outlier = (await seed.RecordsAsync(alpha, "runs/a1.jsonl", [new(-5, 6, "observation", "the lone outlier observation")]))[0];
        // Another organization's points never reach this map.
        var (other, _) = await MemberWithSeedAsync(server, "eve@example.org", "lab-other");
        await other.RunAsync(await other.SourceAsync("theirs"), "x.jsonl", 30, 3, -5);

        await using var browser = await Browser.LaunchWithWebGlAsync();
        var page = await browser.NewPageAsync(server.Address);
        var console = new List<string>();
        page.Console += (_, m) => console.Add(m.Type + ": " + m.Text);
        page.PageError += (_, e) => console.Add("error: " + e);
        await SignInAsync(page, email);
        await page.GotoAsync("/traces", Loaded);
        try
        {
            await Expect(page.Locator("#map-status")).ToContainTextAsync("213 points");
        }
        catch (PlaywrightException e)
        {
            throw new InvalidOperationException("The map did not load; the browser said:\n" + string.Join("\n", console), e);
        }
        await Expect(page.Locator("#map-legend")).ToContainTextAsync("final_answer");
        await Browser.CheckAsync(page, $"traces-01-map-{dialect}");
        Assert.True(await DrawnPixelsAsync(page) > 200, "The map's canvas stayed blank.");

        // Hover: the outlier's text appears beside the map.
        var at = await ScreenPositionAsync(page, outlier);
        await page.Mouse.MoveAsync(at.X, at.Y);
        await Expect(page.Locator("#map-hover-text")).ToHaveTextAsync("the lone outlier observation");
        await Browser.CheckAsync(page, $"traces-02-hover-{dialect}");

        // A box around the beta run, then export: exactly its records, the formula cell defused.
        await BoxSelectAsync(page, selected);
        await Expect(page.Locator("#map-selection")).ToHaveTextAsync("12 selected.");
        await Browser.CheckAsync(page, $"traces-03-selection-{dialect}");
        var csv = await DownloadAsync(page, "Export CSV");
        var lines = csv.TrimEnd('\n').Split('\n');
        Assert.StartsWith("id,seq,source_id,source_name,file_path", lines[0], StringComparison.Ordinal);
        Assert.Equal(selected.Select(s => s.ToString(System.Globalization.CultureInfo.InvariantCulture)), lines.Skip(1).Select(l => l.Split(',')[1]));
        Assert.EndsWith(",\"'=HYPERLINK(\"\"http://evil.example\"\")\"", lines[1], StringComparison.Ordinal);
        var jsonl = await DownloadAsync(page, "Export JSONL");
        Assert.Equal(selected, jsonl.TrimEnd('\n').Split('\n').Select(l => JsonDocument.Parse(l).RootElement.GetProperty("seq").GetInt64()));

        // Colour by source: the legend names the sources.
        await page.GetByLabel("Colour by").SelectOptionAsync("source");
        await Expect(page.Locator("#map-legend")).ToContainTextAsync("beta");
        await page.GetByLabel("Colour by").SelectOptionAsync("cluster");
        await Expect(page.Locator("#map-legend")).ToContainTextAsync("cluster 8");

        // New points arrive: the page notices on its next poll.
        await seed.RunAsync(beta, "b2.jsonl", 7, -3, -3);
        await Expect(page.Locator("#map-status")).ToContainTextAsync("220 points", UntilPolled);

        // Search: the nearest records to a text are listed and circled on the map.
        var embedder = await server.Services.GetRequiredService<EmbedderRegistry>().GetAsync(HashedNgramTextEmbedder.ModelName);
        await seed.EmbedAsync(embedder.Descriptor.Name, embedder.Descriptor.ModelHash,
            async texts => [.. (await embedder.GenerateAsync(texts)).Select(e => e.Vector.ToArray())]);
        await page.GetByLabel("Nearest records to").FillAsync("the lone outlier observation");
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await Expect(page.Locator("#map-results li").First).ToContainTextAsync("the lone outlier observation");
        await Expect(page.Locator("#map-status")).ToContainTextAsync("20 nearest records");
        await Browser.CheckAsync(page, $"traces-04-search-{dialect}");

        // Click: the outlier opens in its run, highlighted.
        await page.GetByLabel("pan and zoom").CheckAsync();
        await page.Keyboard.PressAsync("Escape");
        at = await ScreenPositionAsync(page, outlier);
        await page.Mouse.MoveAsync(at.X, at.Y);
        await Expect(page.Locator("#map-hover-text")).ToHaveTextAsync("the lone outlier observation");
        // Under CI load the click twice opened nothing, while the page loads in under a second when it does open: the
        // map may refresh (its poll) between aiming and clicking. Aim again, a few times, until the run opens.
        // A click that opened the run late (after the wait below gave up) leaves no map to aim at: then wait for the run.
        for (var attempt = 1; ; attempt++)
        {
            if (page.Url.Contains("/traces/runs?", StringComparison.Ordinal)) break;
            try
            {
                at = await ScreenPositionAsync(page, outlier);
                await page.Mouse.ClickAsync(at.X, at.Y);
            }
            catch (PlaywrightException) when (attempt < 3)
            {
            }
            try
            {
                await page.WaitForURLAsync("**/traces/runs?**", new() { Timeout = 30_000 });
                break;
            }
            catch (TimeoutException) when (attempt < 3)
            {
            }
        }
        await Expect(page.Locator("li.run-record.current")).ToContainTextAsync("the lone outlier observation");
        await Expect(page.Locator("li.run-record")).ToHaveCountAsync(121);
        await Browser.CheckAsync(page, $"traces-05-run-{dialect}");
    }

    // The level of detail runs in the browser only; the points come through the same API on either dialect.
    [Fact]
    public async Task More_points_in_view_than_the_draw_budget_show_as_density_until_zoomed_in()
    {
        await using var server = await WebServer.StartAsync("sqlite");
        var (seed, email) = await MemberWithSeedAsync(server, "ada@example.org", "lab-density");
        var alpha = await seed.SourceAsync("alpha");
        await seed.RunAsync(alpha, "runs/a1.jsonl", 150, 0, 0);
        var selected = await seed.RunAsync(alpha, "runs/a2.jsonl", 12, 6, 6);
        var outlier = (await seed.RecordsAsync(alpha, "runs/a1.jsonl", [new(-5, 6, "observation", "the lone outlier observation")]))[0];

        await using var browser = await Browser.LaunchWithWebGlAsync();
        var page = await browser.NewPageAsync(server.Address);
        await SignInAsync(page, email);
        await page.GotoAsync("/traces", Loaded);
        await Expect(page.Locator("#map-status")).ToContainTextAsync("163 points");
        Assert.Equal("points", await DetailAsync(page));

        // A budget below the points in view, as a machine drawing in software learns it has: a density image.
        await page.EvaluateAsync("() => { window.tesseraMap.state.budget.value = 100; }");
        await page.GetByLabel("Colour by").SelectOptionAsync("source");
        await Expect(page.Locator("#map-status")).ToContainTextAsync("shown as density");
        Assert.Equal("density", await DetailAsync(page));
        Assert.True(await DrawnPixelsAsync(page) > 100, "The density image left the canvas blank.");
        await Browser.CheckAsync(page, "traces-07-density");

        // Hover and box selection still reach single points.
        var at = await ScreenPositionAsync(page, outlier);
        await page.Mouse.MoveAsync(at.X, at.Y);
        await Expect(page.Locator("#map-hover-text")).ToHaveTextAsync("the lone outlier observation");
        await BoxSelectAsync(page, selected);
        await Expect(page.Locator("#map-selection")).ToHaveTextAsync("12 selected.");

        // Zoomed in on the outlier, few points are in view: they are drawn one by one again.
        await page.GetByLabel("pan and zoom").CheckAsync();
        at = await ScreenPositionAsync(page, outlier);
        await page.Mouse.MoveAsync(at.X, at.Y);
        for (var i = 0; i < 6; i++) await page.Mouse.WheelAsync(0, -400);
        await page.WaitForFunctionAsync("() => window.tesseraMap.state.detail.kind === 'points'", null, new() { Timeout = 20_000 });
        Assert.True(await page.EvaluateAsync<int>("() => window.tesseraMap.state.detail.count") < 100);
        await Expect(page.Locator("#map-status")).Not.ToContainTextAsync("density");
        await Browser.CheckAsync(page, "traces-08-zoomed-in");
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task The_sources_page_adds_refuses_and_removes_sources_through_the_api(string dialect)
    {
        await using var server = await WebServer.StartAsync(dialect);
        var (_, email) = await MemberWithSeedAsync(server, "lin@example.org", "lab-sources");
        var folder = Path.Combine(server.Database.DataDir, "traces", "inbox", "agent-runs");
        Directory.CreateDirectory(folder);
        await using var browser = await Browser.LaunchAsync();
        var page = await browser.NewPageAsync(server.Address);
        page.Dialog += (_, dialog) => dialog.AcceptAsync();
        await SignInAsync(page, email);
        await page.GotoAsync("/traces/sources", Loaded);
        await Expect(page.Locator("#sources-empty")).ToBeVisibleAsync();

        await page.GetByLabel("Name").FillAsync("lab runs");
        await page.GetByLabel("Folder on the server").FillAsync(folder);
        await page.GetByLabel("Files (glob)").FillAsync("**/*.jsonl");
        await page.GetByLabel("Format").SelectOptionAsync("seed");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add source" }).ClickAsync();
        var rows = page.Locator("#sources-table tbody tr");
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(rows.First).ToContainTextAsync("lab runs");
        await Expect(rows.First).ToContainTextAsync("**/*.jsonl");
        await Expect(page.Locator("#pipeline-state")).ToContainTextAsync("The server is watching these folders.");

        // A run with an unreadable line: the watcher reads the rest, and the page lists the skipped line on request.
        await File.WriteAllTextAsync(Path.Combine(folder, "run.jsonl"),
            "{not json\n" + """{"iteration":0,"idx_in_iteration":0,"type":"final_answer","text":"done","final_answer":"done"}""" + "\n");
        var show = page.GetByRole(AriaRole.Button, new() { Name = "Show the skipped lines of lab runs" });
        for (var i = 0; i < 120 && !await show.IsVisibleAsync(); i++)
        {
            await Task.Delay(500);
            await page.ReloadAsync();
        }
        await show.ClickAsync();
        var skipped = page.Locator("#source-problems tbody tr");
        await Expect(skipped).ToHaveCountAsync(1);
        await Expect(skipped.Locator("td").Nth(0)).ToHaveTextAsync("run.jsonl");
        await Expect(skipped.Locator("td").Nth(1)).ToHaveTextAsync("1");
        await Browser.CheckAsync(page, $"traces-06-sources-{dialect}");

        // A folder outside the allowed roots is refused with the API's problem, in words.
        await page.GetByLabel("Name").FillAsync("system");
        await page.GetByLabel("Folder on the server").FillAsync("/etc");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add source" }).ClickAsync();
        await Expect(page.Locator("#sources-message")).ToContainTextAsync("refused (");
        await Expect(rows).ToHaveCountAsync(1);

        await page.GetByRole(AriaRole.Button, new() { Name = "Remove source lab runs" }).ClickAsync();
        await Expect(rows).ToHaveCountAsync(0);
        await Expect(page.Locator("#sources-message")).ToContainTextAsync("Removed");
    }

    private static async Task<(TracesMapSeed Seed, string Email)> MemberWithSeedAsync(WebServer server, string email, string org)
    {
        var accounts = server.Services.GetRequiredService<AccountService>();
        var (user, organization, _) = await accounts.EnsureMemberAsync(email, org, null, TestActor);
        await accounts.SetPasswordAsync(email, WebServer.Password, TestActor);
        return (new TracesMapSeed(server.Database.Database, organization.Id, user.Id), email);
    }

    private static async Task SignInAsync(IPage page, string email)
    {
        await page.GotoAsync("/signin", Loaded);
        var form = page.Locator("form", new() { Has = page.Locator("#email") });
        await page.GetByLabel("Email", new() { Exact = true }).FillAsync(email);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(WebServer.Password);
        await form.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign out" })).ToBeVisibleAsync();
    }

    private static Task<string> DetailAsync(IPage page) => page.EvaluateAsync<string>("() => window.tesseraMap.state.detail.kind");

    /// <summary>Where a record's point is on the page, in CSS pixels.</summary>
    private static async Task<(float X, float Y)> ScreenPositionAsync(IPage page, long seq)
    {
        var xy = await page.EvaluateAsync<float[]>(
            """
            seq => {
              const m = window.tesseraMap, r = document.getElementById('map-canvas').getBoundingClientRect();
              const [x, y] = m.screenPosition(m.state.data.indexOfSeq(seq));
              return [r.left + x, r.top + y];
            }
            """, seq);
        return (xy[0], xy[1]);
    }

    /// <summary>Switches to box select and drags a box around the records' points.</summary>
    private static async Task BoxSelectAsync(IPage page, IReadOnlyList<long> seqs)
    {
        await page.GetByLabel("box select").CheckAsync();
        var points = new List<(float X, float Y)>();
        foreach (var seq in seqs) points.Add(await ScreenPositionAsync(page, seq));
        await page.Mouse.MoveAsync(points.Min(p => p.X) - 15, points.Min(p => p.Y) - 15);
        await page.Mouse.DownAsync();
        await page.Mouse.MoveAsync(points.Max(p => p.X) + 15, points.Max(p => p.Y) + 15, new() { Steps = 8 });
        await page.Mouse.UpAsync();
    }

    private static async Task<string> DownloadAsync(IPage page, string button)
    {
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Button, new() { Name = button }).ClickAsync());
        var path = await download.PathAsync();
        return await File.ReadAllTextAsync(path!);
    }

    /// <summary>How many pixels of the map's canvas (as the screen shows it) are not background white.</summary>
    private static async Task<int> DrawnPixelsAsync(IPage page)
    {
        var png = await page.Locator("#map-canvas").ScreenshotAsync();
        return await page.EvaluateAsync<int>(
            """
            async b64 => {
              const img = new Image();
              img.src = 'data:image/png;base64,' + b64;
              await img.decode();
              const c = document.createElement('canvas');
              c.width = img.width; c.height = img.height;
              const g = c.getContext('2d');
              g.drawImage(img, 0, 0);
              const d = g.getImageData(0, 0, c.width, c.height).data;
              let n = 0;
              for (let i = 0; i < d.length; i += 4) if (d[i] < 235 || d[i + 1] < 235 || d[i + 2] < 235) n++;
              return n;
            }
            """, Convert.ToBase64String(png));
    }
}
