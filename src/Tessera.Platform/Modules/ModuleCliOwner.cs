using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Core.Identity;
using Tessera.Data.Identity;

namespace Tessera.Platform.Modules;

/// <summary>
/// Whom a module's CLI verbs act as: <c>--user</c> in <c>--org</c>, a member already. Without them, the local demo
/// owner (<c>demo@tessera.local</c> in <c>demo</c>, as <c>tessera up</c> creates it), so a single-user deployment
/// needs no set-up and what the CLI stores shows to the demo user on the server.
/// </summary>
public sealed class ModuleCliOwner(string verb)
{
    private const string DemoEmail = "demo@tessera.local";
    private const string DemoOrg = "demo";

    public Option<string?> User { get; } = new("--user") { Description = $"Act as this member (email); default {DemoEmail}." };

    public Option<string?> Org { get; } = new("--org") { Description = $"The member's organization; default {DemoOrg}." };

    public void AddTo(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.Options.Add(User);
        command.Options.Add(Org);
    }

    public async Task<Principal> ResolveAsync(ParseResult parse, IServiceProvider services, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(parse);
        var accounts = services.GetRequiredService<AccountService>();
        var (user, org) = (parse.GetValue(User), parse.GetValue(Org));
        if (user is not null) return await accounts.MemberPrincipalAsync(user, org ?? DemoOrg, cancellationToken).ConfigureAwait(false);
        var (demo, demoOrg, role) = await accounts.EnsureMemberAsync(DemoEmail, org ?? DemoOrg, Roles.Owner, new AuditActor(null, null, "tessera " + verb), cancellationToken).ConfigureAwait(false);
        return new Principal(demo.Id, demoOrg.Id, Roles.PermissionsOf(role));
    }
}
