using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Cli.Hosting;
using Tessera.Data.Identity;

namespace Tessera.Cli.Commands.Token;

internal static class TokenCommand
{
    /// <summary>CLI writes are audited as coming from the local operator.</summary>
    private static readonly AuditActor Operator = new(null, null, "cli");

    public static Command Create(CliHost host)
    {
        var command = new Command("token", "Create and revoke API tokens (operator commands on the local data).");
        command.Subcommands.Add(CreateCreate(host));
        command.Subcommands.Add(CreateRevoke(host));
        return command;
    }

    private static Command CreateCreate(CliHost host)
    {
        var data = new DataOptions();
        var user = new Option<string>("--user") { Description = "The user's email; the user is created if missing.", Required = true };
        var org = new Option<string>("--org") { Description = "Organization name; created if missing, with the user as owner.", DefaultValueFactory = _ => "default" };
        var role = new Option<string?>("--role") { Description = "Set the user's role in the organization (owner, admin, member, viewer)." };
        var scopes = new Option<string?>("--scopes") { Description = "Comma-separated permissions the token is limited to (default: all of the user's role)." };
        var expires = new Option<string>("--expires") { Description = "Lifetime such as 30d, 12h or 'never'.", DefaultValueFactory = _ => "30d" };
        var name = new Option<string>("--name") { Description = "A name to recognise the token by.", DefaultValueFactory = _ => "cli" };
        var command = new Command("create", "Create a token and print it as the last line of standard output (shown once).");
        data.AddTo(command);
        foreach (var o in new Option[] { user, org, role, scopes, expires, name }) command.Options.Add(o);
        command.SetAction(async (parse, ct) =>
        {
            var lifetime = LifetimeParser.Parse(parse.GetValue(expires)!);
            var scopeList = (parse.GetValue(scopes) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            await using var services = await host.BuildMigratedAsync(data.Flags(parse), ct).ConfigureAwait(false);
            var (account, organization, granted) = await services.GetRequiredService<AccountService>()
                .EnsureMemberAsync(parse.GetValue(user)!, parse.GetValue(org)!, parse.GetValue(role), Operator, ct).ConfigureAwait(false);
            var issued = await services.GetRequiredService<TokenService>()
                .IssueAsync(account.Id, organization.Id, parse.GetValue(name)!, scopeList, lifetime, loopbackOnly: false, Operator, ct).ConfigureAwait(false);
            Console.Error.WriteLine($"Token {issued.Record.Id} for {account.Email} ({granted} of '{organization.Name}'), " +
                (issued.Record.ExpiresAt is { } e ? $"expires {e:u}" : "never expires") + ". It is shown only once:");
            Console.WriteLine(issued.Token);
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command CreateRevoke(CliHost host)
    {
        var data = new DataOptions();
        var token = new Argument<string>("token") { Description = "The token's id, or the token itself." };
        var command = new Command("revoke", "Revoke a token at once.");
        data.AddTo(command);
        command.Arguments.Add(token);
        command.SetAction(async (parse, ct) =>
        {
            await using var services = await host.BuildMigratedAsync(data.Flags(parse), ct).ConfigureAwait(false);
            var id = await services.GetRequiredService<TokenService>().RevokeAnyAsync(parse.GetValue(token)!, Operator, ct).ConfigureAwait(false);
            Console.WriteLine($"Revoked token {id}.");
            return ExitCodes.Success;
        });
        return command;
    }
}
