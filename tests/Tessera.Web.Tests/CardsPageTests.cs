using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Tessera.Cards.Catalog;
using Tessera.Cards.Download;
using Tessera.Cards.Embedding;
using Tessera.Cards.Index;
using Tessera.Core.Identity;
using Tessera.Data.Identity;
using Tessera.Testing;
using static Microsoft.Playwright.Assertions;

namespace Tessera.Web.Tests;

/// <summary>The Cards page in a real browser: a person uploads a photo of a card and sees the candidates.</summary>
public sealed class CardsPageTests
{
    private static readonly PageGotoOptions Loaded = new() { WaitUntil = WaitUntilState.Load };
    private static readonly AuditActor TestActor = new(null, null, "test");

    // Identifying loads ResNet18 on first use and competes with every other test assembly for two cores in CI.
    private static readonly LocatorAssertionsToContainTextOptions UntilIdentified = new() { Timeout = 120_000 };

    [Fact]
    public async Task A_person_uploads_a_photo_of_a_card_and_sees_it_named_first_and_a_file_that_is_no_photo_refused()
    {
        await using var server = await WebServer.StartAsync("sqlite");
        await using var images = await CardImagesServer.StartAsync();
        images.Images = path => GeneratedCards.Png(int.Parse(path.Split('/')[^1].Split('.')[0], CultureInfo.InvariantCulture), printingSeed: 0);
        var email = "mae@example.org";
        await CatalogAsync(server, images, email, cards: 6);

        var photo = Path.Combine(server.Database.DataDir, "photo.jpg");
        await File.WriteAllBytesAsync(photo, CardPhotos.Jpeg(GeneratedCards.Png(4, printingSeed: 0), seed: 5));
        var notPhoto = Path.Combine(server.Database.DataDir, "notes.jpg");
        await File.WriteAllTextAsync(notPhoto, "this is not a photo");

        await using var browser = await Browser.LaunchAsync();
        var page = await browser.NewPageAsync(server.Address);
        await page.GotoAsync("/signin", Loaded);
        await page.GetByLabel("Email", new() { Exact = true }).FillAsync(email);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(WebServer.Password);
        await page.Locator("form", new() { Has = page.Locator("#email") }).GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign out" })).ToBeVisibleAsync();

        await page.GotoAsync("/cards", Loaded);
        await Expect(page.Locator("#cards-status")).ToContainTextAsync("6 with resnet18-imagenet");
        await page.GetByLabel("Photo of a card").SetInputFilesAsync(photo);
        await page.GetByRole(AriaRole.Button, new() { Name = "Identify" }).ClickAsync();
        var first = page.Locator("#candidates li").First;
        await Expect(first).ToContainTextAsync("Card 4", UntilIdentified);
        await Expect(page.Locator("#candidates li")).ToHaveCountAsync(5);
        await Expect(first.Locator("img")).ToHaveJSPropertyAsync("complete", true);
        Assert.True(await first.Locator("img").EvaluateAsync<int>("i => i.naturalWidth") > 0, "The catalog image did not load.");
        await Expect(page.Locator("#identify-verdict")).ToContainTextAsync("onfident");
        await Browser.CheckAsync(page, "cards-01-identified");

        await page.GetByLabel("Photo of a card").SetInputFilesAsync(notPhoto);
        await page.GetByRole(AriaRole.Button, new() { Name = "Identify" }).ClickAsync();
        await Expect(page.Locator("#identify-message")).ToContainTextAsync("refused (VALIDATION_FAILED)", UntilIdentified);
        await Expect(page.Locator("#identify-result")).ToBeHiddenAsync();
    }

    /// <summary>A member whose organization has <paramref name="cards"/> generated cards imported, downloaded, embedded and indexed.</summary>
    private static async Task CatalogAsync(WebServer server, CardImagesServer images, string email, int cards)
    {
        var accounts = server.Services.GetRequiredService<AccountService>();
        var (user, organization, _) = await accounts.EnsureMemberAsync(email, "lab-cards", null, TestActor);
        await accounts.SetPasswordAsync(email, WebServer.Password, TestActor);
        var owner = new Principal(user.Id, organization.Id, new HashSet<string>(Permissions.All));
        var bulk = Path.Combine(server.Database.DataDir, "bulk.json");
        await File.WriteAllTextAsync(bulk, JsonSerializer.Serialize(Enumerable.Range(0, cards).Select(i => new Dictionary<string, object>
        {
            ["id"] = $"00000000-0000-4000-8000-{i:D12}", ["name"] = $"Card {i}", ["lang"] = "en", ["layout"] = "normal", ["set"] = "gen",
            ["collector_number"] = (i + 1).ToString(CultureInfo.InvariantCulture),
            ["image_uris"] = new Dictionary<string, string> { ["normal"] = new Uri(images.BaseUrl, $"img/normal/{i}.png").AbsoluteUri },
        })));
        await server.Services.GetRequiredService<CatalogImportService>().ImportAsync(owner, bulk, null, CancellationToken.None);
        await server.Services.GetRequiredService<CardsDownloadService>().DownloadAsync(owner, new DownloadRequest { RequestsPerSecond = 1000 }, null, CancellationToken.None);
        await server.Services.GetRequiredService<CardsEmbeddingService>().EmbedAsync(owner, new EmbedRequest(), null, CancellationToken.None);
        await server.Services.GetRequiredService<CardsIndexService>().BuildAsync(owner, new BuildRequest(), CancellationToken.None);
    }
}
