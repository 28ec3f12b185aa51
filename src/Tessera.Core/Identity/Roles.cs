namespace Tessera.Core.Identity;

/// <summary>Membership roles and the permissions each grants within its organization.</summary>
public static class Roles
{
    public const string Owner = "owner";
    public const string Admin = "admin";
    public const string Member = "member";
    public const string Viewer = "viewer";

    public static IReadOnlyList<string> All { get; } = [Owner, Admin, Member, Viewer];

    public static bool IsKnown(string role) => All.Contains(role);

    public static IReadOnlySet<string> PermissionsOf(string role) => role switch
    {
        Owner => Grant(Permissions.All),
        Admin => Grant(Permissions.All.Where(p => p != Permissions.OrgsAdmin)),
        Member => Grant([
            Permissions.RunsRead, Permissions.RunsWrite, Permissions.JobsRead, Permissions.JobsWrite,
            Permissions.TasksExecute, Permissions.ExportsRead, Permissions.TokensManage, Permissions.OrgsCreate,
        ]),
        Viewer => Grant([Permissions.RunsRead, Permissions.JobsRead, Permissions.ExportsRead, Permissions.TokensManage]),
        _ => Grant([]),
    };

    private static HashSet<string> Grant(IEnumerable<string> permissions) => new(permissions, StringComparer.Ordinal);
}
