using Microsoft.Extensions.DependencyInjection;
using Tessera.Core;
using Tessera.Core.Identity;
using Tessera.Data.Identity;
using Tessera.Server.Hosting;

namespace Tessera.Cli.Commands.Up;

/// <summary>
/// The offline demo: a local demo user and a token that works only from this machine (loopback, no proxy),
/// so a demo needs no set-up and a real deployment is not weakened. Each start replaces the previous demo token.
/// </summary>
internal static class DemoAccess
{
    public const string Email = "demo@tessera.local";
    public const string Organization = "demo";
    public const string TokenName = "demo";
    public const string TokenFileName = "demo-token";

    /// <summary>The demo user acting in the demo organization, with an owner's permissions.</summary>
    public static async Task<Principal> PrincipalAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var (user, org, role) = await services.GetRequiredService<AccountService>()
            .EnsureMemberAsync(Email, Organization, Roles.Owner, new AuditActor(null, null, "tessera up"), cancellationToken).ConfigureAwait(false);
        return new Principal(user.Id, org.Id, Roles.PermissionsOf(role));
    }

    /// <summary>Replaces the demo user's loopback-only token and writes it beside the data.</summary>
    public static async Task<string> IssueAsync(IServiceProvider services, Principal demo, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(demo);
        var actor = new AuditActor(null, null, "tessera up");
        var (user, org) = (demo.UserId, demo.OrgId);
        var tokens = services.GetRequiredService<TokenService>();
        await tokens.RevokeNamedAsync(user, TokenName, actor, cancellationToken).ConfigureAwait(false);
        var issued = await tokens.IssueAsync(user, org, TokenName, [], TimeSpan.FromDays(30), loopbackOnly: true, actor, cancellationToken).ConfigureAwait(false);

        // Kept for local clients (e.g. 'tessera export --demo'); readable by this account only.
        var path = Path.Combine(services.GetRequiredService<TesseraSettings>().DataDir, TokenFileName);
        AtomicFile.WriteAllText(path, issued.Token + "\n");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return issued.Token;
    }
}
