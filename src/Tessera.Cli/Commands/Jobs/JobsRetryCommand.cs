using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Cli.Hosting;
using Tessera.Jobs;

namespace Tessera.Cli.Commands.Jobs;

internal static class JobsRetryCommand
{
    public static Command Create(CliHost host)
    {
        var data = new DataOptions();
        var id = JobsCommand.IdArgument();
        var command = new Command("retry", "Run a failed job again, as a new job; prints the new job's id.");
        data.AddTo(command);
        command.Arguments.Add(id);
        command.SetAction(async (parse, ct) =>
        {
            await using var services = host.Build(data.Flags(parse));
            var job = await services.GetRequiredService<JobService>().RetryAsync(JobScope.Operator, parse.GetValue(id), ct).ConfigureAwait(false);
            Console.WriteLine($"{job.Id} {job.State.Name()} (retry of {job.RetryOf})");
            return ExitCodes.Success;
        });
        return command;
    }
}
