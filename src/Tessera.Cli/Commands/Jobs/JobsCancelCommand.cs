using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Cli.Hosting;
using Tessera.Jobs;

namespace Tessera.Cli.Commands.Jobs;

internal static class JobsCancelCommand
{
    public static Command Create(CliHost host)
    {
        var data = new DataOptions();
        var id = JobsCommand.IdArgument();
        var command = new Command("cancel", "Cancel a job: at once if it has not started; a running job's worker stops it at its next heartbeat.");
        data.AddTo(command);
        command.Arguments.Add(id);
        command.SetAction(async (parse, ct) =>
        {
            await using var services = host.Build(data.Flags(parse));
            var job = await services.GetRequiredService<JobService>().CancelAsync(JobScope.Operator, parse.GetValue(id), ct).ConfigureAwait(false);
            Console.WriteLine(job.State == JobState.Running ? $"{job.Id} cancellation requested" : $"{job.Id} {job.State.Name()}");
            return ExitCodes.Success;
        });
        return command;
    }
}
