using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Tessera.Testing;
using static Microsoft.Playwright.Assertions;

namespace Tessera.Web.Tests;

/// <summary>A person's way through the web UI in a real browser against a real server.</summary>
public sealed partial class WebFlowTests
{
    private static readonly PageGotoOptions Loaded = new() { WaitUntil = WaitUntilState.Load };

    // Embedding runs in the in-process worker; the run page refreshes itself until it is done.
    private static readonly LocatorAssertionsToBeVisibleOptions UntilEmbedded = new() { Timeout = 120_000 };

    // The run page while its embedding job holds the cores: in CI every test assembly runs at once on two cores,
    // and its first load has taken over the default 30 s there (never alone).
    private static readonly PageGotoOptions LoadedWhileEmbedding = new() { WaitUntil = WaitUntilState.Load, Timeout = 120_000 };

    private static string FixturePeptides => Path.Combine(RepoPaths.Fixtures, "peptides", "amp_modlamp", "seqs.fasta");

    [Fact]
    public async Task A_person_signs_in_uploads_waits_for_the_embedding_searches_compares_exports_and_signs_out()
    {
        await using var server = await WebServer.StartAsync("sqlite");
        var email = await server.CreateUserAsync("ada@example.org", "lab-a");
        await using var browser = await Browser.LaunchAsync();
        var page = await browser.NewPageAsync(server.Address);

        // The first page says what to do next; a page that needs a session sends the person to sign in first.
        await page.GotoAsync("/", Loaded);
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "API reference" })).ToBeVisibleAsync();
        await Browser.CheckAsync(page, "01-home-anonymous");
        await page.GotoAsync("/omics", Loaded);
        Assert.EndsWith("/signin?return_url=%2Fomics", page.Url, StringComparison.Ordinal);
        await Browser.CheckAsync(page, "02-signin");
        await SignInAsync(page, email);
        Assert.EndsWith("/omics", page.Url, StringComparison.Ordinal);

        // Upload the fixture peptides: progress, then the parse report, then the run page until it is embedded.
        var full = await UploadAsync(page, FixturePeptides, "modlamp");
        await Browser.CheckAsync(page, "03-upload-report");
        await page.GotoAsync(full, LoadedWhileEmbedding);
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Download JSON" })).ToBeVisibleAsync(UntilEmbedded);
        await Expect(page.Locator("svg.scatter circle").First).ToBeVisibleAsync();
        await Browser.CheckAsync(page, "04-run-page");

        // A second, smaller run with one bad record: the report names its line.
        var sample = await SampleWithBadRecordAsync(server.Database.DataDir);
        var small = await UploadAsync(page, sample, "sample");
        var rejected = page.Locator("#upload-rejected tbody tr");
        await Expect(rejected).ToHaveCountAsync(1);
        await Expect(rejected.Locator("td").First).ToHaveTextAsync("201");
        await Expect(rejected).ToContainTextAsync("INVALID_RESIDUE");
        await page.GotoAsync(small, LoadedWhileEmbedding);
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Download JSON" })).ToBeVisibleAsync(UntilEmbedded);

        // Exports: every format is a link on the run page; JSON and CSV download with content.
        var json = await DownloadAsync(page, "Download JSON");
        Assert.StartsWith("{", json, StringComparison.Ordinal);
        var csv = await DownloadAsync(page, "Download CSV");
        Assert.Contains("GLWSKIKEVGKEAAKAAAKAAGKAALGAVSEAV", csv, StringComparison.Ordinal);
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Download NPY" })).ToBeVisibleAsync();

        // Search by sequence: the peptide itself comes first, in both runs; results link to runs and to similar peptides.
        await page.GotoAsync("/omics/search", Loaded);
        await page.GetByLabel("Sequence", new() { Exact = true }).FillAsync("GLWSKIKEVGKEAAKAAAKAAGKAALGAVSEAV");
        await page.GetByLabel("Results (k)").FillAsync("5");
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        var hits = page.Locator("table tbody tr");
        await Expect(hits).ToHaveCountAsync(5);
        await Expect(hits.First.Locator("td").First).ToHaveTextAsync("1.000");
        await Browser.CheckAsync(page, "05-search");
        await hits.First.GetByRole(AriaRole.Link, new() { Name = "Similar peptides to GLWSKIKEVGKEAAKAAAKAAGKAALGAVSEAV" }).ClickAsync();
        await Expect(page.Locator("table tbody tr").First.Locator("td").First).ToHaveTextAsync("1.000");

        // Compare the two runs: tables and charts, not JSON.
        await page.GotoAsync("/omics/compare", Loaded);
        await page.GetByLabel("Run A").SelectOptionAsync(new SelectOptionValue { Label = "sample (100)" });
        await page.GetByLabel("Run B").SelectOptionAsync(new SelectOptionValue { Label = "modlamp (2579)" });
        await page.GetByRole(AriaRole.Button, new() { Name = "Compare" }).ClickAsync();
        await Expect(page.GetByText("Shared sequences")).ToBeVisibleAsync();
        await Expect(page.Locator("dd").Filter(new() { HasTextRegex = Regex100() }).First).ToBeVisibleAsync();
        await Expect(page.Locator("figure svg").First).ToBeVisibleAsync();
        await Browser.CheckAsync(page, "06-compare");

        // The jobs page lists both embeddings as succeeded.
        await page.GotoAsync("/jobs", Loaded);
        await Expect(page.Locator(".state-succeeded")).ToHaveCountAsync(2);
        await Browser.CheckAsync(page, "07-jobs");

        // Tokens: a new token is shown once, then listed by its hint, and can be revoked.
        await page.GotoAsync("/tokens", Loaded);
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync("notebook");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create token" }).ClickAsync();
        await Expect(page.GetByLabel("Token “notebook”")).ToHaveValueAsync(TokenPattern());
        await Browser.CheckAsync(page, "08-tokens");
        await page.GetByRole(AriaRole.Button, new() { NameRegex = RevokeNotebook() }).ClickAsync();
        await Expect(page.Locator("tr", new() { HasText = "notebook" })).ToContainTextAsync("revoked");

        // Signing out revokes the session token (not only the cookie): the pages ask to sign in again.
        var session = (await page.Context.CookiesAsync()).Single(c => c.Name == "tessera_session");
        Assert.True(session.HttpOnly);
        Assert.Equal(SameSiteAttribute.Lax, session.SameSite);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        var replayed = await page.APIRequest.GetAsync("/api/v1/me", new() { Headers = new Dictionary<string, string> { ["Authorization"] = "Bearer " + session.Value } });
        Assert.Equal(401, replayed.Status);
        Assert.Contains("TOKEN_REVOKED", await replayed.TextAsync(), StringComparison.Ordinal);
        Assert.EndsWith("/signin", page.Url, StringComparison.Ordinal);
        await page.GotoAsync("/omics", Loaded);
        Assert.Contains("/signin?return_url=", page.Url, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task Another_users_run_page_is_the_not_found_page_and_the_api_refuses_cookie_posts_without_the_antiforgery_header(string dialect)
    {
        await using var server = await WebServer.StartAsync(dialect);
        var owner = await server.CreateUserAsync("owner@example.org", "lab-owner");
        var other = await server.CreateUserAsync("other@example.org", "lab-other");
        await using var browser = await Browser.LaunchAsync();

        var ownerPage = await browser.NewPageAsync(server.Address);
        await ownerPage.GotoAsync("/omics", Loaded);
        await SignInAsync(ownerPage, owner);
        var runPage = await UploadAsync(ownerPage, await SampleWithBadRecordAsync(server.Database.DataDir), "private");

        var otherPage = await browser.NewPageAsync(server.Address);
        await otherPage.GotoAsync("/signin", Loaded);
        await SignInAsync(otherPage, other);
        var foreign = await otherPage.GotoAsync(runPage, Loaded);
        var foreignBody = await otherPage.Locator("main").InnerHTMLAsync();
        await Browser.CheckAsync(otherPage, $"09-foreign-run-{dialect}");
        var missing = await otherPage.GotoAsync($"/omics/runs/{Guid.CreateVersion7()}", Loaded);
        var missingBody = await otherPage.Locator("main").InnerHTMLAsync();
        var notFoundPage = await otherPage.GotoAsync("/not-found", Loaded);
        var unknownRoute = await otherPage.GotoAsync("/no/such/page", Loaded);

        Assert.Equal(404, foreign!.Status);
        Assert.Equal(404, missing!.Status);
        Assert.Equal(404, notFoundPage!.Status);
        Assert.Equal(404, unknownRoute!.Status);
        Assert.Equal(missingBody, foreignBody);
        Assert.Equal(missingBody, await otherPage.Locator("main").InnerHTMLAsync());
        Assert.Contains("Page not found", foreignBody, StringComparison.Ordinal);

        // The session cookie alone does not make an unsafe API call: a foreign page could make the browser send it.
        var withoutHeader = await otherPage.APIRequest.PostAsync("/api/v1/tokens", new() { DataObject = new { name = "csrf" } });
        Assert.Equal(403, withoutHeader.Status);
        Assert.Contains("CSRF_TOKEN_INVALID", await withoutHeader.TextAsync(), StringComparison.Ordinal);
        Assert.Equal(200, (await otherPage.APIRequest.GetAsync("/api/v1/me")).Status);
    }

    private static async Task SignInAsync(IPage page, string email)
    {
        var form = page.Locator("form", new() { Has = page.Locator("#email") });
        await page.GetByLabel("Email", new() { Exact = true }).FillAsync(email);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(WebServer.Password);
        await form.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign out" })).ToBeVisibleAsync();
    }

    /// <summary>Uploads through the runs page and returns the address of the new run's page.</summary>
    private static async Task<string> UploadAsync(IPage page, string file, string name)
    {
        await page.GotoAsync("/omics", Loaded);
        await page.GetByLabel("File", new() { Exact = true }).SetInputFilesAsync(file);
        await page.GetByLabel("Run name (optional)").FillAsync(name);
        await page.GetByRole(AriaRole.Button, new() { Name = "Upload" }).ClickAsync();
        // The server parses and stores the file before it answers; on two cores shared with the rest of CI that has
        // taken over the default 5 s.
        await Expect(page.Locator("#upload-report")).ToBeVisibleAsync(new() { Timeout = 60_000 });
        await Expect(page.Locator("#upload-progress")).ToHaveAttributeAsync("value", "100");
        await Expect(page.Locator("#upload-counts")).ToContainTextAsync("peptides kept");
        var link = await page.Locator("#upload-run-link").GetAttributeAsync("href");
        Assert.NotNull(link);
        return link;
    }

    private static async Task<string> DownloadAsync(IPage page, string linkName)
    {
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = linkName }).ClickAsync());
        return await File.ReadAllTextAsync(await download.PathAsync());
    }

    /// <summary>The fixture's first 100 records, then a record with an invalid residue at line 201.</summary>
    private static async Task<string> SampleWithBadRecordAsync(string folder)
    {
        var lines = (await File.ReadAllLinesAsync(FixturePeptides)).Take(200).Append(">bad_record").Append("ACDEF123");
        var path = Path.Combine(folder, "sample.fasta");
        await File.WriteAllLinesAsync(path, lines);
        return path;
    }

    [GeneratedRegex("^tsr_")]
    private static partial Regex TokenPattern();

    [GeneratedRegex("^Revoke token notebook")]
    private static partial Regex RevokeNotebook();

    [GeneratedRegex("100 in A")]
    private static partial Regex Regex100();
}
