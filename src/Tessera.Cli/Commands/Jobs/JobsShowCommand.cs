using System.CommandLine;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Cli.Hosting;
using Tessera.Jobs;

namespace Tessera.Cli.Commands.Jobs;

internal static class JobsShowCommand
{
    public static Command Create(CliHost host)
    {
        var data = new DataOptions();
        var id = JobsCommand.IdArgument();
        var events = new Option<bool>("--events") { Description = "Also print the job's events." };
        var command = new Command("show", "Print one job as JSON (and its events with --events).");
        data.AddTo(command);
        command.Arguments.Add(id);
        command.Options.Add(events);
        command.SetAction(async (parse, ct) =>
        {
            await using var services = host.Build(data.Flags(parse));
            var jobs = services.GetRequiredService<JobService>();
            var job = await jobs.GetAsync(JobScope.Operator, parse.GetValue(id), ct).ConfigureAwait(false);
            Console.WriteLine(JsonSerializer.Serialize(job, JobJson.Options));
            if (parse.GetValue(events))
            {
                foreach (var e in await jobs.GetEventsAsync(JobScope.Operator, job.Id, 0, 5000, ct).ConfigureAwait(false))
                    Console.WriteLine(JsonSerializer.Serialize(e, JobJson.Compact));
            }
            return ExitCodes.Success;
        });
        return command;
    }
}

/// <summary>The API's JSON shape (snake_case), for printing jobs.</summary>
internal static class JobJson
{
    public static JsonSerializerOptions Options { get; } = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, WriteIndented = true };
    public static JsonSerializerOptions Compact { get; } = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
}
