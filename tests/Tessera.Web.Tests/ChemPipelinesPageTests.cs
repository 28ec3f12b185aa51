using Microsoft.Playwright;
using Tessera.Testing;
using static Microsoft.Playwright.Assertions;

namespace Tessera.Web.Tests;

/// <summary>
/// The Chem pipelines page in a real browser: prepare (obabel.protonate) → dock (vina.dock, ethanol in a 12 Å box of
/// 1iep, exhaustiveness 1) → summarise (docking.summarise) composed in the builder, a wrong binding shown on its row,
/// the saved template run from the form its inputs' schema makes, and run again with every step from the cache.
/// </summary>
public sealed class ChemPipelinesPageTests
{
    private static readonly PageGotoOptions Loaded = new() { WaitUntil = WaitUntilState.Load };
    private static readonly LocatorAssertionsToContainTextOptions UntilDone = new() { Timeout = 180_000 };

    [Fact]
    public async Task A_person_builds_a_three_step_pipeline_sees_a_wrong_binding_on_its_row_runs_it_and_reruns_it_from_the_cache()
    {
        await using var server = await WebServer.StartAsync("sqlite");
        await using var browser = await Browser.LaunchAsync();
        var page = await ChemPageTests.SignedInAsync(server, browser, "barbara@example.org", "lab-pipes");

        await page.GotoAsync("/chem/pipelines", Loaded);
        await Expect(page.Locator("#templates-message")).ToContainTextAsync("No template yet");
        await page.GetByRole(AriaRole.Button, new() { Name = "New template" }).ClickAsync();
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync("dock-and-summarise");
        await page.GetByLabel("Description", new() { Exact = true }).FillAsync("Protonate, dock into 1iep, summarise.");
        foreach (var task in new[] { "obabel.protonate", "vina.dock", "docking.summarise" })
        {
            await page.Locator("#builder-task").SelectOptionAsync(task);
            await page.GetByRole(AriaRole.Button, new() { Name = "Add the step" }).ClickAsync();
        }
        await Expect(page.Locator("#builder-steps > li")).ToHaveCountAsync(3);

        // Required parameters start as the pipeline's inputs; the rest take the task's defaults until set.
        await Expect(page.GetByLabel("Value of protonate.molecule")).ToHaveValueAsync("molecule");
        await page.GetByLabel("Value of protonate.molecule").FillAsync("smiles");
        await Fixed(page, "protonate.ph", "7.4");
        await page.GetByLabel("Source of dock.ligand").SelectOptionAsync("protonate");
        await page.GetByLabel("Value of dock.ligand").FillAsync(".smiles");
        await Fixed(page, "dock.box", """{"center": [15.19, 53.90, 16.92], "size": [12, 12, 12]}""");
        await Fixed(page, "dock.exhaustiveness", "1");
        await Fixed(page, "dock.num_modes", "2");
        await page.GetByLabel("Source of summarise.poses").SelectOptionAsync("dock");
        await page.GetByLabel("Value of summarise.poses").FillAsync(".posez");
        await page.GetByLabel("Source of summarise.label").SelectOptionAsync("protonate");
        await page.GetByLabel("Value of summarise.label").FillAsync(".smiles");

        // The server checks the whole template: a path the producing task's output lacks is shown on its row.
        await page.GetByRole(AriaRole.Button, new() { Name = "Check and save" }).ClickAsync();
        await Expect(page.Locator("#builder-message")).ToContainTextAsync("CHEM_PIPELINE_INVALID");
        await Expect(page.Locator(".builder-step[data-index='2'] .builder-param[data-param='poses'] .sf-error")).ToContainTextAsync("result.posez");
        await Browser.CheckAsync(page, "chem-pipelines-01-wrong-binding");

        await page.GetByLabel("Value of summarise.poses").FillAsync(".poses");
        await page.GetByRole(AriaRole.Button, new() { Name = "Check and save" }).ClickAsync();
        await Expect(page.Locator("#builder-message")).ToContainTextAsync("Saved dock-and-summarise v1.");
        await Expect(page.Locator("#template-title")).ToHaveTextAsync("dock-and-summarise v1");
        await Expect(page.Locator("#template-steps li")).ToHaveCountAsync(3);

        // The run's form comes from the template's inputs: the SMILES as text, the receptor as an uploaded file.
        await page.GetByRole(AriaRole.Textbox, new() { Name = "smiles *", Exact = true }).FillAsync("OCC");
        await page.GetByLabel("receptor file").SetInputFilesAsync(Path.Combine(RepoPaths.Fixtures, "docking", "1iep", "1iep_receptor.pdbqt"));
        await Expect(page.Locator(".sf-field[data-path='/receptor'] .sf-upload")).ToContainTextAsync("stored");
        await page.GetByRole(AriaRole.Button, new() { Name = "Run the pipeline" }).ClickAsync();
        await Expect(page.Locator("#instance-facts")).ToContainTextAsync("succeeded", UntilDone);
        await Expect(page.Locator("#instance-facts")).ToContainTextAsync("0 of 3 steps");
        await Expect(page.Locator("#instance-steps tbody tr")).ToHaveCountAsync(3);
        await Expect(page.Locator(".step-result[open] .result-json")).ToContainTextAsync("\"label\": \"CCO\"");
        await Browser.CheckAsync(page, "chem-pipelines-02-run");

        await page.GetByRole(AriaRole.Button, new() { Name = "Run again" }).ClickAsync();
        await Expect(page.Locator("#instance-facts")).ToContainTextAsync("3 of 3 steps", UntilDone);
        await Expect(page.Locator("#instance-facts")).ToContainTextAsync("a rerun of");
        await page.ReloadAsync(new() { WaitUntil = WaitUntilState.Load });
        await Expect(page.Locator("#template-title")).ToHaveTextAsync("dock-and-summarise v1");
        await Expect(page.Locator("#instance-facts")).ToContainTextAsync("3 of 3 steps");

        // The template's earlier runs, newest first: the rerun, then the first run, which a click opens again.
        var runs = page.Locator("#template-runs li");
        await Expect(runs).ToHaveCountAsync(2);
        await Expect(runs.Nth(0)).ToContainTextAsync("3 of 3 steps from the cache, a rerun");
        await Expect(runs.Nth(1)).ToContainTextAsync("succeeded — 0 of 3 steps from the cache");
        await Browser.CheckAsync(page, "chem-pipelines-03-earlier-runs");
        await runs.Nth(1).GetByRole(AriaRole.Button).ClickAsync();
        await Expect(page.Locator("#instance-facts")).ToContainTextAsync("0 of 3 steps");
        await Expect(page.Locator("#instance-facts")).Not.ToContainTextAsync("a rerun of");

        // Edited and saved again: the next version of the same name.
        await page.GetByRole(AriaRole.Button, new() { Name = "Edit as a new version" }).ClickAsync();
        await Expect(page.GetByLabel("Value of summarise.poses")).ToHaveValueAsync(".poses");
        await page.GetByRole(AriaRole.Button, new() { Name = "Check and save" }).ClickAsync();
        await Expect(page.Locator("#template-title")).ToHaveTextAsync("dock-and-summarise v2");
    }

    private static async Task Fixed(IPage page, string parameter, string value)
    {
        await page.GetByLabel("Source of " + parameter).SelectOptionAsync("fixed");
        await page.GetByLabel("Value of " + parameter).FillAsync(value);
    }
}
