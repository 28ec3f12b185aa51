using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;
using Tessera.Cards.Download;
using Tessera.Cards.Embedding;
using Tessera.Cards.Index;
using Tessera.Platform.Modules;

namespace Tessera.Cards.Cli;

/// <summary>
/// <c>tessera cards embed</c>: embeds the downloaded images (resuming from the last checkpoint), then brings the index
/// up to date with the new vectors. Warns on the console when the classical descriptor stands in for the model and
/// when a checkpoint of other parameters is taken over.
/// </summary>
internal static class EmbedCommand
{
    public static Command Create(IModuleCommandHost host)
    {
        var size = new Option<string>("--size") { Description = $"Which downloaded image: {string.Join(", ", DownloadRequest.Sizes)}.", DefaultValueFactory = _ => DownloadRequest.DefaultSize };
        var model = new Option<string?>("--model") { Description = "An image embedder (see 'tessera models list'); default resnet18-imagenet, or the classical descriptor when its files are missing." };
        var batch = new Option<int>("--batch-size") { Description = "Images per batch, 1 to 1024.", DefaultValueFactory = _ => EmbedRequest.DefaultBatchSize };
        var every = new Option<int>("--checkpoint-every") { Description = "Images per checkpoint: an interruption loses at most this many.", DefaultValueFactory = _ => EmbedRequest.DefaultCheckpointEvery };
        var limit = new Option<int?>("--limit") { Description = "At most this many images still to embed (at least 1); default all." };
        var json = new Option<bool>("--json") { Description = "Print the report as JSON instead of a progress bar and a line." };
        var owner = new ModuleCliOwner("cards");
        var command = new Command("embed", "Embed the downloaded catalog images (resumable) and add them to the index; exits 1 when any image could not be used.");
        foreach (var option in new Option[] { size, model, batch, every, limit, json }) command.Options.Add(option);
        owner.AddTo(command);
        host.AddDataOptions(command);
        command.SetAction(async (parse, ct) =>
        {
            var request = new EmbedRequest
            {
                Size = parse.GetValue(size)!, Model = parse.GetValue(model), BatchSize = parse.GetValue(batch), CheckpointEvery = parse.GetValue(every), Limit = parse.GetValue(limit),
            }.Validate();
            await using var services = await host.OpenAsync(parse, ct).ConfigureAwait(false);
            var principal = await owner.ResolveAsync(parse, services, ct).ConfigureAwait(false);
            var embeddings = services.GetRequiredService<CardsEmbeddingService>();
            var report = parse.GetValue(json) || Console.IsOutputRedirected
                ? await embeddings.EmbedAsync(principal, request, null, ct).ConfigureAwait(false)
                : await WithProgressAsync(request, p => embeddings.EmbedAsync(principal, request, p, ct)).ConfigureAwait(false);
            var index = services.GetRequiredService<CardsIndexService>();
            await index.Vectors.UpdateAsync(await index.PartitionAsync(principal.OrgId, report.Embedder, ct).ConfigureAwait(false)).WaitAsync(ct).ConfigureAwait(false);
            if (parse.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(report, CardsCommands.Json));
            }
            else
            {
                if (report.Fallback is not null) Console.Error.WriteLine($"warning: {report.Fallback}");
                foreach (var warning in report.Warnings) Console.Error.WriteLine($"warning: resuming a checkpoint: {warning}.");
                Console.WriteLine(Line(report));
            }
            return report.Failed > 0 ? 1 : 0;
        });
        return command;
    }

    public static string Line(EmbedReport r)
    {
        var resumed = r.Resumed ? ", resumed from a checkpoint" : "";
        var reasons = r.Failed == 0 ? "" : ": " + string.Join(", ", r.Failures.GroupBy(f => f.Reason).Select(g => $"{g.Count()} {g.Key}"));
        return string.Create(CultureInfo.InvariantCulture,
            $"{r.Embedded} embedded with {r.Embedder}, {r.Skipped} already embedded, {r.Failed} failed of {r.Total} images ({r.Seconds:0.0} s, {r.ImagesPerSecond:0.0} images/s){resumed}{reasons}.");
    }

    private static async Task<EmbedReport> WithProgressAsync(EmbedRequest request, Func<Func<int, int, Task>, Task<EmbedReport>> run)
    {
        EmbedReport? report = null;
        var clock = Stopwatch.StartNew();
        await AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask($"embedding {request.Size} images", maxValue: 1);
                report = await run((done, total) =>
                {
                    task.MaxValue = Math.Max(1, total);
                    task.Value = done;
                    var rate = clock.Elapsed.TotalSeconds > 0 ? done / clock.Elapsed.TotalSeconds : 0;
                    task.Description = string.Create(CultureInfo.InvariantCulture, $"embedding {request.Size} images {done}/{total} · {rate:0.0}/s");
                    return Task.CompletedTask;
                }).ConfigureAwait(false);
                task.Value = task.MaxValue;
            }).ConfigureAwait(false);
        return report!;
    }
}
