using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Cli.Hosting;
using Tessera.Core.Errors;
using Tessera.Data.Identity;

namespace Tessera.Cli.Commands.User;

internal static class UserCommand
{
    public static Command Create(CliHost host)
    {
        var command = new Command("user", "Manage user accounts (operator commands on the local data).");
        command.Subcommands.Add(CreateSetPassword(host));
        return command;
    }

    private static Command CreateSetPassword(CliHost host)
    {
        var data = new DataOptions();
        var email = new Option<string>("--email") { Description = "The user's email.", Required = true };
        var command = new Command("set-password", "Set a user's password (for POST /api/v1/auth/login), read from the first line of standard input.");
        data.AddTo(command);
        command.Options.Add(email);
        command.SetAction(async (parse, ct) =>
        {
            var password = await Console.In.ReadLineAsync(ct).ConfigureAwait(false)
                ?? throw TesseraException.Validation("Give the password on standard input, e.g. 'printf %s \"$PW\" | tessera user set-password --email …'.");
            await using var services = await host.BuildMigratedAsync(data.Flags(parse), ct).ConfigureAwait(false);
            await services.GetRequiredService<AccountService>().SetPasswordAsync(parse.GetValue(email)!, password, new AuditActor(null, null, "cli"), ct).ConfigureAwait(false);
            Console.WriteLine("Password set.");
            return ExitCodes.Success;
        });
        return command;
    }
}
