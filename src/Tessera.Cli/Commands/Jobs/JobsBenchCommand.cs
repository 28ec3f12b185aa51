using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Tessera.Cli.Hosting;
using Tessera.Data;
using Tessera.Data.Migrations;
using Tessera.Jobs;
using Tessera.Jobs.Storage;
using Tessera.Server.Hosting;

namespace Tessera.Cli.Commands.Jobs;

/// <summary>
/// <c>tessera jobs bench</c>: the engine's own overhead with <c>system.noop</c> jobs. Enqueues a backlog, starts
/// workers (in this process, or as separate <c>tessera worker</c> processes), and measures throughput from the
/// jobs' own timestamps (first start to last finish); then, with the system idle, enqueues one job at a time and
/// measures enqueue-to-start latency (<c>started_at − created_at</c>). Run it on an empty database.
/// </summary>
internal static class JobsBenchCommand
{
    public static Command Create(CliHost cli)
    {
        var data = new DataOptions();
        var count = new Option<int>("--count") { Description = "No-op jobs in the throughput backlog.", DefaultValueFactory = _ => 20_000 };
        var samples = new Option<int>("--latency-samples") { Description = "Jobs enqueued one at a time for the latency figures.", DefaultValueFactory = _ => 200 };
        var processes = new Option<int>("--worker-processes") { Description = "Separate `tessera worker` processes to start (0: one worker inside this process).", DefaultValueFactory = _ => 0 };
        var concurrency = new Option<int>("--concurrency") { Description = "Slots per worker.", DefaultValueFactory = _ => 16 };
        var goal = new Option<double>("--goal-jobs-per-second") { Description = "The throughput goal to compare with.", DefaultValueFactory = _ => 500 };
        var command = new Command("bench", "Benchmark the job engine with no-op jobs: throughput and enqueue-to-start latency (use an empty database).");
        data.AddTo(command);
        foreach (var option in new Option[] { count, samples, processes, concurrency, goal }) command.Options.Add(option);
        command.SetAction(async (parse, ct) =>
        {
            var flags = data.Flags(parse);
            var workerProcesses = parse.GetValue(processes);
            var slots = parse.GetValue(concurrency);
            using var host = BuildHost(cli, flags, workerProcesses == 0 ? slots : 0);
            var database = host.Services.GetRequiredService<TesseraDatabase>();
            var jobs = host.Services.GetRequiredService<JobService>();
            var statistics = host.Services.GetRequiredService<JobQueueStatistics>();
            await host.Services.GetRequiredService<MigrationRunner>().MigrateAsync(ct).ConfigureAwait(false);

            var n = parse.GetValue(count);
            var enqueueClock = Stopwatch.StartNew();
            await JobsEnqueueCommand.EnqueueManyAsync(database, jobs, new JobRequest("system.noop", null), n, ct).ConfigureAwait(false);
            enqueueClock.Stop();
            Console.WriteLine($"Enqueued {n} no-op jobs in {enqueueClock.Elapsed.TotalSeconds:0.00} s on {database.Target.Display}.");

            var children = new List<Process>();
            try
            {
                var wall = Stopwatch.StartNew();
                if (workerProcesses == 0) await host.StartAsync(ct).ConfigureAwait(false);
                else for (var i = 0; i < workerProcesses; i++) children.Add(StartWorker(flags, slots));
                await WaitUntilDrainedAsync(statistics, ct).ConfigureAwait(false);
                wall.Stop();
                var span = await statistics.ProcessingSpanAsync("system.noop", ct).ConfigureAwait(false);
                var throughput = n / span.TotalSeconds;

                var latencies = new List<double>();
                for (var i = 0; i < parse.GetValue(samples); i++)
                {
                    // Idle between samples: each job meets sleeping workers, as a lone request would.
                    await Task.Delay(20, ct).ConfigureAwait(false);
                    var job = (await jobs.EnqueueAsync(JobsEnqueueCommand.SystemOwner, new JobRequest("system.noop", null), ct).ConfigureAwait(false)).Job;
                    latencies.Add((await WaitForStartAsync(jobs, job.Id, ct).ConfigureAwait(false) - job.CreatedAt).TotalMilliseconds);
                }
                latencies.Sort();

                var setup = workerProcesses == 0 ? $"1 in-process worker × {slots} slots" : $"{workerProcesses} worker processes × {slots} slots";
                Console.WriteLine();
                Console.WriteLine($"system.noop on {database.Dialect}, {setup}");
                Console.WriteLine($"| metric | measured | goal | ratio |");
                Console.WriteLine($"|---|---|---|---|");
                Console.WriteLine(Row("throughput (jobs/s, first start → last finish)", throughput, parse.GetValue(goal), higherIsBetter: true));
                Console.WriteLine($"| throughput incl. worker start-up (jobs/s) | {n / wall.Elapsed.TotalSeconds:0} | | |");
                Console.WriteLine($"| enqueue rate (jobs/s, 1,000 per transaction) | {n / enqueueClock.Elapsed.TotalSeconds:0} | | |");
                if (latencies.Count > 0)
                {
                    Console.WriteLine(Row("enqueue → start latency p50 (ms)", Percentile(latencies, 0.50), 20, higherIsBetter: false));
                    Console.WriteLine($"| enqueue → start latency p90 / p99 / max (ms) | {Percentile(latencies, 0.90):0.0} / {Percentile(latencies, 0.99):0.0} / {latencies[^1]:0.0} | | |");
                }
                return ExitCodes.Success;
            }
            finally
            {
                if (workerProcesses == 0) await host.StopAsync(CancellationToken.None).ConfigureAwait(false);
                foreach (var child in children)
                {
                    child.Kill(entireProcessTree: true);
                    await child.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
                    child.Dispose();
                }
            }
        });
        return command;
    }

    private static IHost BuildHost(CliHost cli, Dictionary<string, string?> flags, int inProcessSlots)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        TesseraConfiguration.Apply(builder.Configuration, flags);
        builder.Services.AddTesseraCore(cli.Modules);
        if (inProcessSlots > 0) builder.Services.AddJobWorkers(inProcessSlots, ["system.noop"]);
        return builder.Build();
    }

    private static Process StartWorker(Dictionary<string, string?> flags, int slots)
    {
        // The same executable that runs this command: `dotnet tessera.dll` or the apphost.
        var self = Environment.ProcessPath!;
        var info = new ProcessStartInfo(self) { UseShellExecute = false, RedirectStandardOutput = false };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet") info.ArgumentList.Add(Environment.GetCommandLineArgs()[0]);
        foreach (var arg in new[] { "worker", "--concurrency", slots.ToString(CultureInfo.InvariantCulture), "--kinds", "system.noop" }) info.ArgumentList.Add(arg);
        foreach (var (key, value) in flags)
        {
            if (value is null) continue;
            info.ArgumentList.Add(key == TesseraSettings.DataDirKey ? "--data-dir" : "--database");
            info.ArgumentList.Add(value);
        }
        return Process.Start(info)!;
    }

    private static async Task WaitUntilDrainedAsync(JobQueueStatistics statistics, CancellationToken cancellationToken)
    {
        while (await statistics.OpenCountAsync(cancellationToken).ConfigureAwait(false) > 0)
            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<DateTimeOffset> WaitForStartAsync(JobService jobs, Guid id, CancellationToken cancellationToken)
    {
        while (true)
        {
            var job = await jobs.GetAsync(JobScope.Operator, id, cancellationToken).ConfigureAwait(false);
            if (job.StartedAt is { } started) return started;
            await Task.Delay(2, cancellationToken).ConfigureAwait(false);
        }
    }

    private static double Percentile(List<double> sorted, double p) => sorted[(int)Math.Clamp(Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];

    private static string Row(string metric, double value, double goal, bool higherIsBetter)
    {
        var ratio = higherIsBetter ? value / goal : goal / value;
        return $"| {metric} | {value:0.0} | {(higherIsBetter ? "≥" : "≤")} {goal:0} | {ratio:0.00}× {(ratio >= 1 ? "(met)" : "(missed)")} |";
    }
}
