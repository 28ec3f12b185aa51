using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Cli.Hosting;
using Tessera.Core.Errors;
using Tessera.Jobs;

namespace Tessera.Cli.Commands.Jobs;

internal static class JobsListCommand
{
    public static Command Create(CliHost host)
    {
        var data = new DataOptions();
        var state = new Option<string?>("--state") { Description = "Only jobs in this state (waiting, queued, running, retrying, succeeded, failed, cancelled, skipped)." };
        var kind = new Option<string?>("--kind") { Description = "Only jobs of this kind." };
        var limit = new Option<int>("--limit") { Description = "At most this many, newest first.", DefaultValueFactory = _ => 50 };
        var command = new Command("list", "List jobs, newest first.");
        data.AddTo(command);
        command.Options.Add(state);
        command.Options.Add(kind);
        command.Options.Add(limit);
        command.SetAction(async (parse, ct) =>
        {
            JobState? filter = null;
            if (parse.GetValue(state) is { } name)
                filter = JobStates.TryParse(name, out var parsed) ? parsed : throw TesseraException.Validation($"Unknown state '{name}'.");
            await using var services = host.Build(data.Flags(parse));
            var jobs = await services.GetRequiredService<JobService>()
                .ListAsync(JobScope.Operator, new JobListQuery(filter, parse.GetValue(kind), parse.GetValue(limit)), ct).ConfigureAwait(false);
            // Plain aligned columns: ids stay whole at any terminal width, and scripts can split on spaces.
            Console.WriteLine($"{"id",-36}  {"kind",-16}  {"state",-9}  {"attempts",-8}  {"progress",-12}  {"created (UTC)",-20}  owner user");
            foreach (var job in jobs)
            {
                var progress = job.Progress.Total is { } total ? $"{job.Progress.Done}/{total}" : job.Progress.Done.ToString(CultureInfo.InvariantCulture);
                Console.WriteLine($"{job.Id,-36}  {job.Kind,-16}  {job.State.Name(),-9}  {$"{job.Attempts}/{job.MaxAttempts}",-8}  {progress,-12}  {job.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),-20}  {job.OwnerUserId}");
            }
            Console.WriteLine($"{jobs.Count} job(s).");
            return ExitCodes.Success;
        });
        return command;
    }
}
