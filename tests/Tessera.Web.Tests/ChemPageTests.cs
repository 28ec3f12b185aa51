using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Tessera.Chem.Tasks;
using Tessera.Core.Identity;
using Tessera.Data.Identity;
using Tessera.Testing;
using static Microsoft.Playwright.Assertions;

namespace Tessera.Web.Tests;

/// <summary>The Chem page in a real browser: forms made from the registry's schemas, a docking run followed to its poses, and the cache's answer.</summary>
public sealed class ChemPageTests
{
    private static readonly PageGotoOptions Loaded = new() { WaitUntil = WaitUntilState.Load };
    private static readonly AuditActor TestActor = new(null, null, "test");

    // A docking run competes with every other test assembly for two cores in CI.
    private static readonly LocatorAssertionsToContainTextOptions UntilDone = new() { Timeout = 180_000 };

    private static string Fixture(string name) => Path.Combine(RepoPaths.Fixtures, "docking", "1iep", name);

    [Fact]
    public async Task A_person_docks_imatinib_from_the_generated_form_sees_the_poses_and_the_second_run_comes_from_the_cache()
    {
        await using var server = await WebServer.StartAsync("sqlite");
        await using var browser = await Browser.LaunchAsync();
        var page = await SignedInAsync(server, browser, "rosalind@example.org", "lab-dock");

        await page.GotoAsync("/chem", Loaded);
        await page.GetByRole(AriaRole.Button, new() { Name = "vina.dock" }).ClickAsync();
        await Expect(page.Locator("#task-title")).ToHaveTextAsync("vina.dock");
        // The schema's oneOf (box or reference_ligand) is a choice; the box's centre and size are three numbers each.
        await Expect(page.GetByLabel("box", new() { Exact = true })).ToBeCheckedAsync();
        await Expect(page.GetByLabel("center x")).ToBeVisibleAsync();
        await Expect(page.GetByLabel("reference ligand", new() { Exact = true })).Not.ToBeCheckedAsync();

        // Nothing filled in: the form says what is missing before anything is sent.
        await page.GetByRole(AriaRole.Button, new() { Name = "Run" }).ClickAsync();
        await Expect(page.Locator("#task-message")).ToContainTextAsync("Check the");
        await Expect(page.Locator(".sf-field[data-path='/receptor'] .sf-error")).ToHaveTextAsync("Required.");

        await page.GetByLabel("receptor file").SetInputFilesAsync(Fixture("1iep_receptor.pdbqt"));
        await Expect(page.Locator(".sf-field[data-path='/receptor'] .sf-upload")).ToContainTextAsync("stored");
        await page.GetByLabel("ligand file", new() { Exact = true }).SetInputFilesAsync(Fixture("1iep_ligand.sdf"));
        await Expect(page.Locator(".sf-field[data-path='/ligand'] .sf-upload")).ToContainTextAsync("stored");
        foreach (var (axis, centre) in new[] { ("x", "15.19"), ("y", "53.903"), ("z", "16.917") })
        {
            await page.GetByLabel("center " + axis).FillAsync(centre);
            await page.GetByLabel("size " + axis).FillAsync("20");
        }
        await page.GetByLabel("exhaustiveness", new() { Exact = true }).FillAsync("100");
        await page.GetByRole(AriaRole.Button, new() { Name = "Run" }).ClickAsync();
        await Expect(page.Locator(".sf-field[data-path='/exhaustiveness'] .sf-error")).ToHaveTextAsync("Must be at most 64.");

        await page.GetByLabel("exhaustiveness", new() { Exact = true }).FillAsync("1");
        await page.GetByLabel("num modes", new() { Exact = true }).FillAsync("3");
        await page.GetByLabel("seed", new() { Exact = true }).FillAsync("7");
        await page.GetByRole(AriaRole.Button, new() { Name = "Run" }).ClickAsync();
        await Expect(page.Locator("#execution-facts")).ToContainTextAsync("succeeded", UntilDone);
        await Expect(page.Locator(".result-summary")).ToContainTextAsync("Best score -");
        // At most num_modes poses, and only those within energy_range of the best.
        var poses = await page.Locator("table.poses tbody tr").CountAsync();
        Assert.InRange(poses, 1, 3);
        await Expect(page.Locator("table.poses tbody tr").First.Locator("td").First).ToHaveTextAsync("1");
        await Expect(page.Locator(".artifact-links a")).ToHaveCountAsync(2);
        await Expect(page.Locator("#execution-cache")).ToContainTextAsync("miss");
        await Browser.CheckAsync(page, "chem-01-docked");

        // The same run again: served from the cache, and a reload of the page still shows it.
        await page.GetByRole(AriaRole.Button, new() { Name = "Run" }).ClickAsync();
        await Expect(page.Locator("#task-message")).ToContainTextAsync("Served from the result cache");
        await Expect(page.Locator("#execution-facts")).ToContainTextAsync("served from the cache");
        await page.ReloadAsync(new() { WaitUntil = WaitUntilState.Load });
        await Expect(page.Locator("#task-title")).ToHaveTextAsync("vina.dock");
        await Expect(page.Locator("#execution-facts")).ToContainTextAsync("served from the cache");
        await Expect(page.Locator("table.poses tbody tr")).ToHaveCountAsync(poses);
    }

    [Fact]
    public async Task The_form_follows_the_registered_schema_and_shows_the_servers_errors_by_field()
    {
        await using var server = await WebServer.StartAsync("sqlite");
        var email = "ada@example.org";
        await using var browser = await Browser.LaunchAsync();
        var page = await SignedInAsync(server, browser, email, "lab-forms");
        var registry = server.Services.GetRequiredService<TaskRegistry>();
        var admin = await AdminAsync(server, email);
        await registry.RegisterAsync(admin, Definition("lab.scale", """
            {"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object","additionalProperties":false,"required":["factor"],
             "properties":{"factor":{"type":"number","minimum":0,"maximum":10,"multipleOf":0.5,"description":"How much to scale by."},
                           "label":{"type":"string","minLength":2}}}
            """), CancellationToken.None);

        await page.GotoAsync("/chem", Loaded);
        await page.GetByRole(AriaRole.Button, new() { Name = "lab.scale" }).ClickAsync();
        await Expect(page.Locator(".sf-field[data-path='/factor'] .sf-help")).ToContainTextAsync("How much to scale by.");
        await Expect(page.GetByLabel("mode")).ToHaveCountAsync(0);

        await page.GetByLabel("factor").FillAsync("20");
        await page.GetByLabel("label").FillAsync("x");
        await page.GetByRole(AriaRole.Button, new() { Name = "Run" }).ClickAsync();
        await Expect(page.Locator(".sf-field[data-path='/factor'] .sf-error")).ToHaveTextAsync("Must be at most 10.");
        await Expect(page.Locator(".sf-field[data-path='/label'] .sf-error")).ToHaveTextAsync("Must be at least 2 characters.");

        // multipleOf is the server's to check here: its 422 lands on the field it names.
        await page.GetByLabel("factor").FillAsync("0.3");
        await page.GetByLabel("label").FillAsync("ok");
        await page.GetByRole(AriaRole.Button, new() { Name = "Run" }).ClickAsync();
        await Expect(page.Locator("#task-message")).ToContainTextAsync("CHEM_PARAMETERS_INVALID");
        await Expect(page.Locator(".sf-field[data-path='/factor'] .sf-error")).Not.ToBeEmptyAsync();

        // A new version registered meanwhile: the reloaded registry shows its new field, without a deploy.
        await registry.RegisterAsync(admin, Definition("lab.scale", """
            {"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object","additionalProperties":false,"required":["factor","mode"],
             "properties":{"factor":{"type":"number","minimum":0,"maximum":10},"mode":{"type":"string","enum":["linear","log"]}}}
            """), CancellationToken.None);
        await page.GetByRole(AriaRole.Button, new() { Name = "Reload the registry" }).ClickAsync();
        await Expect(page.Locator("#task-version option:checked")).ToHaveTextAsync("v2 (newest)");
        await Expect(page.GetByLabel("mode")).ToBeVisibleAsync();
        await Expect(page.GetByLabel("label")).ToHaveCountAsync(0);

        // Valid parameters for a task that no service or worker runs: refused with the reason, nothing half-started.
        await page.GetByLabel("factor").FillAsync("2");
        await page.GetByLabel("mode").SelectOptionAsync(new SelectOptionValue { Label = "log" });
        await page.GetByRole(AriaRole.Button, new() { Name = "Run" }).ClickAsync();
        await Expect(page.Locator("#task-message")).ToContainTextAsync("refused (CHEM_NO_LIVE_SERVICE)");
        await Expect(page.Locator(".sf-error:not(:empty)")).ToHaveCountAsync(0);
        await Expect(page.Locator("#execution-panel")).ToBeHiddenAsync();
        await Browser.CheckAsync(page, "chem-02-form-follows-schema");

        // The older version is still there to pick, with its own form.
        await page.Locator("#task-version").SelectOptionAsync("1");
        await Expect(page.GetByLabel("label")).ToBeVisibleAsync();
        await Expect(page.GetByLabel("mode")).ToHaveCountAsync(0);
    }

    private static ChemTaskRegistration Definition(string name, string inputSchema) => new(
        name, null, "Scales a number (a task for the page's test).", JsonNode.Parse(inputSchema),
        JsonNode.Parse("""{"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object"}"""), JsonNode.Parse("""{"cpu":1}"""));

    private static async Task<Principal> AdminAsync(WebServer server, string email)
    {
        var accounts = server.Services.GetRequiredService<AccountService>();
        var (user, organization, _) = await accounts.EnsureMemberAsync(email, "lab-forms", null, TestActor);
        return new Principal(user.Id, organization.Id, new HashSet<string>(Permissions.All));
    }

    internal static async Task<IPage> SignedInAsync(WebServer server, Browser browser, string email, string org)
    {
        await server.CreateUserAsync(email, org);
        var page = await browser.NewPageAsync(server.Address);
        await page.GotoAsync("/signin", Loaded);
        await page.GetByLabel("Email", new() { Exact = true }).FillAsync(email);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(WebServer.Password);
        await page.Locator("form", new() { Has = page.Locator("#email") }).GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign out" })).ToBeVisibleAsync();
        return page;
    }
}
