using System.CommandLine;
using Tessera.Cli.Hosting;

namespace Tessera.Cli.Commands.Jobs;

/// <summary>
/// <c>tessera jobs …</c>: operator commands on the local deployment's database. They see every job, whoever
/// owns it (the HTTP API shows each caller only their own).
/// </summary>
internal static class JobsCommand
{
    public static Command Create(CliHost host)
    {
        var command = new Command("jobs", "Inspect and manage the jobs of this deployment (operator view: all owners).");
        command.Subcommands.Add(JobsListCommand.Create(host));
        command.Subcommands.Add(JobsShowCommand.Create(host));
        command.Subcommands.Add(JobsCancelCommand.Create(host));
        command.Subcommands.Add(JobsRetryCommand.Create(host));
        command.Subcommands.Add(JobsEnqueueCommand.Create(host));
        command.Subcommands.Add(JobsBenchCommand.Create(host));
        return command;
    }

    /// <summary>The job id argument shared by show, cancel and retry.</summary>
    public static Argument<Guid> IdArgument() => new("id") { Description = "The job's id." };
}
