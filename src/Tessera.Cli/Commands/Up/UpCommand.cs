using System.CommandLine;
using Tessera.Cli.Commands.Serve;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Cli.Hosting;
using Tessera.Core.Identity;
using Tessera.Omics.Demo;
using Tessera.Server.Hosting;

namespace Tessera.Cli.Commands.Up;

internal static class UpCommand
{
    public static Command Create()
    {
        var options = new ServeOptions();
        var command = new Command("up", "The one-command start: migrate the database, then serve on 127.0.0.1:8080 with embedded defaults.");
        options.AddTo(command);
        command.SetAction((parse, ct) => ServerRunner.RunAsync(options.Flags(parse), async (app, token) =>
        {
            var owner = await DemoAccess.PrincipalAsync(app.Services, token).ConfigureAwait(false);
            var demo = await DemoAccess.IssueAsync(app.Services, owner, token).ConfigureAwait(false);
            Console.WriteLine($"  demo token (works from this machine only): {demo}");
            Console.WriteLine($"  try: curl -H 'Authorization: Bearer {demo}' {app.Urls.First()}/api/v1/me");
            await SeedDemoAsync(app, owner, token).ConfigureAwait(false);
        }, ct));
        return command;
    }

    /// <summary>Seeds the demo peptide run, waits for the job engine to embed and index it, and prints a sample search.</summary>
    private static async Task SeedDemoAsync(WebApplication app, Principal owner, CancellationToken cancellationToken)
    {
        var settings = app.Services.GetRequiredService<TesseraSettings>();
        var waiting = settings.Workers > 0;
        if (waiting) Console.WriteLine("  demo: embedding and indexing 300 bundled peptides…");
        var demo = await app.Services.GetRequiredService<OmicsDemo>().SeedAsync(owner, waiting, cancellationToken).ConfigureAwait(false);
        Console.WriteLine($"  demo run {demo.Run.Id} ({demo.Run.PeptideCount} peptides): {demo.Run.State}");
        if (demo.Search is null)
        {
            Console.WriteLine(waiting
                ? "  demo: the embedding job has not finished yet; see GET /api/v1/jobs/" + demo.Run.JobId
                : "  demo: no in-process workers (--workers 0); run 'tessera worker' to embed the demo run.");
            return;
        }
        Console.WriteLine($"  sample search for {demo.Query} ({demo.Search.Embedder}):");
        foreach (var hit in demo.Search.Hits) Console.WriteLine($"    {hit.Score:0.000}  {hit.Sequence}");
    }
}
