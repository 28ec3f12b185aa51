using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Cli.Hosting;
using Tessera.Core.Errors;
using Tessera.Data.Identity;
using Tessera.Data.Identity.Providers;

namespace Tessera.Cli.Commands.Idp;

/// <summary><c>tessera idp add|list|remove --org NAME</c>: an organization's OpenID Connect providers, on the local data.</summary>
internal static class IdpCommand
{
    /// <summary>CLI writes are audited as coming from the local operator.</summary>
    private static readonly AuditActor Operator = new(null, null, "cli");

    public static Command Create(CliHost host)
    {
        var command = new Command("idp", "Manage organizations' OpenID Connect identity providers (operator commands on the local data).");
        command.Subcommands.Add(CreateAdd(host));
        command.Subcommands.Add(CreateList(host));
        command.Subcommands.Add(CreateRemove(host));
        return command;
    }

    private static Option<string> Org() => new("--org") { Description = "The organization's name.", Required = true };

    private static Command CreateAdd(CliHost host)
    {
        var data = new DataOptions();
        var org = Org();
        var name = new Option<string>("--name") { Description = "A name for the provider within the organization.", Required = true };
        var issuer = new Option<string>("--issuer") { Description = "The issuer URL, exactly as its tokens' 'iss' (https; http only on a loopback address).", Required = true };
        var clientId = new Option<string>("--client-id") { Description = "Tessera's client id at the provider.", Required = true };
        var secretStdin = new Option<bool>("--client-secret-stdin") { Description = "Read the client secret from the first line of standard input (stored encrypted)." };
        var audience = new Option<string?>("--audience") { Description = "The 'aud' its access tokens carry for Tessera (default: the client id)." };
        var scopes = new Option<string?>("--scopes") { Description = "Comma-separated scopes for sign-in (default: openid,email,profile)." };
        var domains = new Option<string?>("--email-domains") { Description = "Comma-separated email domains users created just in time may have (default: any)." };
        var roleClaim = new Option<string>("--role-claim") { Description = "The claim whose values map to roles.", DefaultValueFactory = _ => "groups" };
        var maps = new Option<string[]>("--map") { Description = "VALUE=ROLE: a role claim value and the role (admin, member, viewer) it grants; repeat for more." };
        var defaultRole = new Option<string?>("--default-role") { Description = "The role of users whose claims map to none (default: refused)." };
        var jit = new Option<bool>("--jit") { Description = "Create users seen for the first time, when the provider has verified their email (just-in-time provisioning)." };
        var command = new Command("add", "Add an identity provider whose access tokens the API accepts for the organization.");
        data.AddTo(command);
        foreach (var o in new Option[] { org, name, issuer, clientId, secretStdin, audience, scopes, domains, roleClaim, maps, defaultRole, jit }) command.Options.Add(o);
        command.SetAction(async (parse, ct) =>
        {
            var secret = parse.GetValue(secretStdin)
                ? await Console.In.ReadLineAsync(ct).ConfigureAwait(false) ?? throw TesseraException.Validation("Give the client secret on standard input.")
                : null;
            var input = new IdentityProviderInput
            {
                Name = parse.GetValue(name)!,
                Issuer = parse.GetValue(issuer)!,
                ClientId = parse.GetValue(clientId)!,
                ClientSecret = secret,
                Audience = parse.GetValue(audience),
                Scopes = List(parse.GetValue(scopes)),
                AllowedEmailDomains = List(parse.GetValue(domains)),
                Claims = new ClaimMappings(Roles: parse.GetValue(roleClaim)!),
                RoleMappings = Mappings(parse.GetValue(maps) ?? []),
                DefaultRole = parse.GetValue(defaultRole),
                AllowJit = parse.GetValue(jit),
            };
            await using var services = await host.BuildMigratedAsync(data.Flags(parse), ct).ConfigureAwait(false);
            var added = await services.GetRequiredService<IdentityProviderService>().AddForOperatorAsync(parse.GetValue(org)!, input, Operator, ct).ConfigureAwait(false);
            Console.WriteLine($"Added identity provider {added.Name} ({added.Id}) for issuer {added.Issuer}, audience {added.Audience}.");
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command CreateList(CliHost host)
    {
        var data = new DataOptions();
        var org = Org();
        var command = new Command("list", "List the organization's identity providers (never their secrets).");
        data.AddTo(command);
        command.Options.Add(org);
        command.SetAction(async (parse, ct) =>
        {
            await using var services = await host.BuildMigratedAsync(data.Flags(parse), ct).ConfigureAwait(false);
            foreach (var p in await services.GetRequiredService<IdentityProviderService>().ListForOperatorAsync(parse.GetValue(org)!, ct).ConfigureAwait(false))
            {
                var mappings = string.Join(",", p.RoleMappings.Select(m => $"{m.Key}={m.Value}"));
                Console.WriteLine($"{p.Name}\t{p.Issuer}\taudience={p.Audience}\tclient_id={p.ClientId}\tsecret={(p.HasClientSecret ? "stored" : "none")}\t" +
                    $"jit={(p.AllowJit ? "yes" : "no")}\t{p.Claims.Roles}: {mappings}\tdefault_role={p.DefaultRole ?? "none"}");
            }
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command CreateRemove(CliHost host)
    {
        var data = new DataOptions();
        var org = Org();
        var name = new Option<string>("--name") { Description = "The provider's name.", Required = true };
        var command = new Command("remove", "Remove an identity provider: its tokens stop working at once on this node, within 30 seconds on others.");
        data.AddTo(command);
        command.Options.Add(org);
        command.Options.Add(name);
        command.SetAction(async (parse, ct) =>
        {
            await using var services = await host.BuildMigratedAsync(data.Flags(parse), ct).ConfigureAwait(false);
            await services.GetRequiredService<IdentityProviderService>().RemoveForOperatorAsync(parse.GetValue(org)!, parse.GetValue(name)!, Operator, ct).ConfigureAwait(false);
            Console.WriteLine($"Removed identity provider {parse.GetValue(name)}.");
            return ExitCodes.Success;
        });
        return command;
    }

    private static List<string>? List(string? commaSeparated) =>
        commaSeparated is null ? null : [.. commaSeparated.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];

    private static Dictionary<string, string> Mappings(IEnumerable<string> pairs) => pairs.ToDictionary(
        pair => pair.Split('=', 2) is [var value, _] ? value.Trim() : throw TesseraException.Validation($"--map takes VALUE=ROLE, not '{pair}'."),
        pair => pair.Split('=', 2)[1].Trim(),
        StringComparer.Ordinal);
}
