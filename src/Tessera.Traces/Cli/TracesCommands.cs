using System.CommandLine;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;
using Tessera.Core.Identity;
using Tessera.Platform.Modules;
using Tessera.Traces.Ingest;
using Tessera.Traces.Sources;

namespace Tessera.Traces.Cli;

/// <summary>
/// <c>tessera traces ingest|watch|sources …</c>: ingestion from the command line, on the deployment the data
/// options name, through the same discovery routine the server's watcher runs.
/// </summary>
internal static class TracesCommands
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>Ingestion's verbs; the CLI puts every verb of the module under its <c>traces</c> group.</summary>
    public static IEnumerable<Command> Create(IModuleCommandHost host) => [Ingest(host), Watch(host), SourcesCommands.Create(host)];

    private static Command Ingest(IModuleCommandHost host)
    {
        var (paths, format, embedder) = PathOptions();
        var json = new Option<bool>("--json") { Description = "Print one JSON report per path instead of a progress bar." };
        var owner = new ModuleCliOwner("traces");
        var command = new Command("ingest", "Process the complete runs found under each PATH once (incomplete runs are left for later) and exit.");
        command.Arguments.Add(paths);
        command.Options.Add(format);
        command.Options.Add(embedder);
        command.Options.Add(json);
        owner.AddTo(command);
        host.AddDataOptions(command);
        command.SetAction(async (parse, ct) =>
        {
            await using var services = await host.OpenAsync(parse, ct).ConfigureAwait(false);
            var principal = await owner.ResolveAsync(parse, services, ct).ConfigureAwait(false);
            var sources = await LocalSourcesAsync(services, principal, parse.GetValue(paths)!, parse.GetValue(format)!, parse.GetValue(embedder), 0, ct).ConfigureAwait(false);
            var ingest = services.GetRequiredService<TracesIngestService>();
            var total = new IngestReport();
            foreach (var source in sources)
            {
                IngestReport report;
                if (parse.GetValue(json))
                {
                    report = await ingest.DiscoverAsync(source, null, ct).ConfigureAwait(false);
                    Console.WriteLine(JsonSerializer.Serialize(new { path = source.Path, glob = source.Glob, source_id = source.Id, report }, Json));
                }
                else
                {
                    report = await WithProgressAsync(source, (progress, token) => ingest.DiscoverAsync(source, progress, token), ct).ConfigureAwait(false);
                    AnsiConsole.MarkupLineInterpolated(
                        $"{source.Path}: {report.RecordsAdded} record(s) added from {report.FilesProcessed} file(s); {report.FilesIncomplete} run(s) not finished; {report.Problems} problem(s).");
                }
                total = total.Add(report);
            }
            return total.FilesFailed > 0 ? 1 : 0;
        });
        return command;
    }

    private static Command Watch(IModuleCommandHost host)
    {
        var (paths, format, embedder) = PathOptions();
        var debounce = new Option<int>("--debounce-ms") { Description = "How long a file must stay unchanged before it is read.", DefaultValueFactory = _ => SourceLimits.DefaultDebounceMs };
        var poll = new Option<int>("--poll-seconds") { Description = "Look at every file this often, besides file events.", DefaultValueFactory = _ => SourceLimits.DefaultPollSeconds };
        var owner = new ModuleCliOwner("traces");
        var command = new Command("watch", "Keep watching each PATH (polling and file events) and ingest runs as they finish; Ctrl+C stops.");
        command.Arguments.Add(paths);
        foreach (var option in new Option[] { format, embedder, debounce, poll }) command.Options.Add(option);
        owner.AddTo(command);
        host.AddDataOptions(command);
        command.SetAction(async (parse, ct) =>
        {
            var pollSeconds = parse.GetValue(poll);
            if (pollSeconds is < SourceLimits.MinPollSeconds or > SourceLimits.MaxPollSeconds)
                throw Core.Errors.TesseraException.Validation($"--poll-seconds must be from {SourceLimits.MinPollSeconds} to {SourceLimits.MaxPollSeconds}.");
            var debounceMs = parse.GetValue(debounce);
            if (debounceMs is < 0 or > SourceLimits.MaxDebounceMs) throw Core.Errors.TesseraException.Validation($"--debounce-ms must be from 0 to {SourceLimits.MaxDebounceMs}.");
            await using var services = await host.OpenAsync(parse, ct).ConfigureAwait(false);
            var principal = await owner.ResolveAsync(parse, services, ct).ConfigureAwait(false);
            var sources = (await LocalSourcesAsync(services, principal, parse.GetValue(paths)!, parse.GetValue(format)!, parse.GetValue(embedder), debounceMs, ct).ConfigureAwait(false))
                .Select(s => s with { PollSeconds = pollSeconds }).ToList();
            Console.Error.WriteLine($"Watching {string.Join(", ", sources.Select(s => s.Path))}; Ctrl+C stops.");
            await services.GetRequiredService<TracesWatchLoop>().RunAsync(
                _ => Task.FromResult<IReadOnlyList<TraceSource>>(sources), TimeSpan.MaxValue,
                (source, report) =>
                {
                    if (report.RecordsAdded > 0 || report.FilesIncomplete > 0 || report.FilesFailed > 0)
                        Console.WriteLine(JsonSerializer.Serialize(new { path = source.Path, report }, Json));
                }, ct).ConfigureAwait(false);
            return 0;
        });
        return command;
    }

    private static (Argument<string[]> Paths, Option<string> Format, Option<string?> Embedder) PathOptions() =>
    (
        new Argument<string[]>("path") { Description = "Folders (every file under them) or single files.", Arity = ArgumentArity.OneOrMore },
        new Option<string>("--format") { Description = "auto (by file name), seed, smolagents or swe-agent.", DefaultValueFactory = _ => "auto" },
        new Option<string?>("--embedder") { Description = "A text embedder of 'tessera models list'; default traces:default_embedder." }
    );

    private static async Task<List<TraceSource>> LocalSourcesAsync(
        IServiceProvider services, Principal owner, string[] paths, string format, string? embedder, int debounceMs, CancellationToken cancellationToken)
    {
        var sources = services.GetRequiredService<TracesSourceService>();
        var list = new List<TraceSource>();
        foreach (var path in paths) list.Add(await sources.EnsureLocalAsync(owner, path, format, embedder, debounceMs, cancellationToken).ConfigureAwait(false));
        return list;
    }

    private static async Task<IngestReport> WithProgressAsync(
        TraceSource source, Func<IProgress<IngestProgress>, CancellationToken, Task<IngestReport>> run, CancellationToken cancellationToken)
    {
        IngestReport? report = null;
        await AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask($"Embedding records of {source.Path}", maxValue: 1);
                var progress = new Progress<IngestProgress>(p =>
                {
                    task.MaxValue = Math.Max(1, p.Total);
                    task.Value = p.Embedded;
                });
                report = await run(progress, cancellationToken).ConfigureAwait(false);
                task.Value = task.MaxValue;
            }).ConfigureAwait(false);
        return report!;
    }
}
