using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Tessera.Cli.Hosting;
using Tessera.Data.Migrations;
using Tessera.Jobs;
using Tessera.Server.Hosting;

namespace Tessera.Cli.Commands.Worker;

/// <summary>
/// <c>tessera worker</c>: a job worker process for scale-out. Any number of them run against the same database
/// (usually PostgreSQL); each claims jobs with leases, so a worker killed mid-job loses nothing but time.
/// </summary>
internal static class WorkerCommand
{
    public static Command Create(CliHost cli)
    {
        var data = new DataOptions();
        var concurrency = new Option<int>("--concurrency")
        {
            Description = "Jobs this worker runs at once.",
            DefaultValueFactory = _ => 4,
        };
        concurrency.Validators.Add(result =>
        {
            if (result.GetValue(concurrency) is < 1 or > 1024) result.AddError("--concurrency must be from 1 to 1024.");
        });
        var kinds = new Option<string[]>("--kinds")
        {
            Description = "Only these job kinds (comma- or space-separated; default: every kind this build has a handler for).",
            AllowMultipleArgumentsPerToken = true,
        };
        var command = new Command("worker", "Run a job worker against the database until stopped (Ctrl+C or SIGTERM releases its jobs).");
        data.AddTo(command);
        command.Options.Add(concurrency);
        command.Options.Add(kinds);
        command.SetAction(async (parse, ct) =>
        {
            var selected = parse.GetValue(kinds)?.SelectMany(k => k.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToHashSet(StringComparer.Ordinal);
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
            TesseraConfiguration.Apply(builder.Configuration, data.Flags(parse));
            builder.Logging.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.TimestampFormat = "HH:mm:ss ";
                o.UseUtcTimestamp = true;
            });
            builder.Services.AddTesseraCore(cli.Modules);
            builder.Services.AddJobWorkers(parse.GetValue(concurrency), selected is { Count: > 0 } ? selected : null);
            using var host = builder.Build();

            var handlers = host.Services.GetRequiredService<JobHandlerRegistry>();
            var unknown = selected?.Where(k => handlers.Find(k) is null).ToList() ?? [];
            if (unknown.Count > 0)
            {
                await Console.Error.WriteLineAsync($"error: no handler for kind(s) {string.Join(", ", unknown)}; known kinds: {string.Join(", ", handlers.Kinds.Order(StringComparer.Ordinal))}.").ConfigureAwait(false);
                return ExitCodes.Usage;
            }
            await host.Services.GetRequiredService<MigrationRunner>().MigrateAsync(ct).ConfigureAwait(false);
            var settings = host.Services.GetRequiredService<TesseraSettings>();
            Console.WriteLine($"Tessera worker: {parse.GetValue(concurrency)} slot(s) on {settings.Database.Display}");
            await host.RunAsync(ct).ConfigureAwait(false);
            return ExitCodes.Success;
        });
        return command;
    }
}
