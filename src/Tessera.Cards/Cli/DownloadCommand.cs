using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;
using Tessera.Cards.Download;
using Tessera.Core.Errors;
using Tessera.Platform.Modules;

namespace Tessera.Cards.Cli;

/// <summary><c>tessera cards download</c>: the catalog's images of one size, with a progress bar (throughput, ETA) and a summary.</summary>
internal static class DownloadCommand
{
    public static Command Create(IModuleCommandHost host)
    {
        var size = new Option<string>("--size") { Description = $"Which image: {string.Join(", ", DownloadRequest.Sizes)}.", DefaultValueFactory = _ => DownloadRequest.DefaultSize };
        var workers = new Option<int>("--workers") { Description = $"Parallel downloads, 1 to {DownloadRequest.MaxWorkers}.", DefaultValueFactory = _ => DownloadRequest.DefaultWorkers };
        var limit = new Option<int?>("--limit") { Description = "At most this many images (at least 1); default all." };
        var rate = new Option<double?>("--rate") { Description = "Requests per second per host (0.1 to 1000); default cards:requests_per_second (10)." };
        var revalidate = new Option<bool>("--revalidate") { Description = "Ask the server whether images already stored changed (ETag / Last-Modified) instead of skipping them." };
        var json = new Option<bool>("--json") { Description = "Print the summary as JSON instead of a progress bar and a line." };
        var owner = new ModuleCliOwner("cards");
        var command = new Command("download", "Download the catalog's images (resumable: what is stored is skipped); exits 1 when any image failed.");
        foreach (var option in new Option[] { size, workers, limit, rate, revalidate, json }) command.Options.Add(option);
        owner.AddTo(command);
        host.AddDataOptions(command);
        command.SetAction(async (parse, ct) =>
        {
            // Checked before the deployment is opened, so a bad flag costs nothing and says which flag.
            var request = new DownloadRequest
            {
                Size = parse.GetValue(size)!, Workers = parse.GetValue(workers), Limit = parse.GetValue(limit), RequestsPerSecond = parse.GetValue(rate),
                Revalidate = parse.GetValue(revalidate),
            }.Validate();
            await using var services = await host.OpenAsync(parse, ct).ConfigureAwait(false);
            var principal = await owner.ResolveAsync(parse, services, ct).ConfigureAwait(false);
            var downloads = services.GetRequiredService<CardsDownloadService>();
            var report = parse.GetValue(json) || Console.IsOutputRedirected
                ? await downloads.DownloadAsync(principal, request, null, ct).ConfigureAwait(false)
                : await WithProgressAsync(request, p => downloads.DownloadAsync(principal, request, p, ct)).ConfigureAwait(false);
            Console.WriteLine(parse.GetValue(json) ? JsonSerializer.Serialize(report, CardsCommands.Json) : DownloadSummary.Line(report));
            if (report.Failed > 0 && report.Failed == report.Done)
                throw new TesseraException(CardsErrorCodes.AllDownloadsFailed, 502, $"every download failed ({DownloadSummary.Reasons(report)}).");
            return report.Failed > 0 ? 1 : 0;
        });
        return command;
    }

    private static async Task<DownloadReport> WithProgressAsync(DownloadRequest request, Func<Func<DownloadReport, Task>, Task<DownloadReport>> run)
    {
        DownloadReport? report = null;
        await AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask($"{request.Size} images", maxValue: 1);
                report = await run(p =>
                {
                    task.MaxValue = Math.Max(1, p.Total);
                    task.Value = p.Done;
                    task.Description = string.Create(CultureInfo.InvariantCulture,
                        $"{request.Size} images {p.Done}/{p.Total} · {p.ImagesPerSecond:0.0}/s · {p.BytesPerSecond / 1e6:0.00} MB/s · {p.Failed} failed");
                    return Task.CompletedTask;
                }).ConfigureAwait(false);
                task.Value = task.MaxValue;
            }).ConfigureAwait(false);
        return report!;
    }
}
