namespace Tessera.Core.Identity;

/// <summary>Named permissions. Roles grant sets of them; token scopes narrow them further.</summary>
public static class Permissions
{
    public const string RunsRead = "runs:read";
    public const string RunsWrite = "runs:write";
    public const string JobsRead = "jobs:read";
    public const string JobsWrite = "jobs:write";
    public const string TasksDefine = "tasks:define";
    public const string TasksExecute = "tasks:execute";
    public const string ExportsRead = "exports:read";
    public const string TokensManage = "tokens:manage";
    public const string OrgsAdmin = "orgs:admin";

    /// <summary>Create a new organization (the creator becomes its owner): a write, so viewers and read-only tokens lack it.</summary>
    public const string OrgsCreate = "orgs:create";
    public const string MembersManage = "members:manage";

    public static IReadOnlyList<string> All { get; } =
    [
        RunsRead, RunsWrite, JobsRead, JobsWrite, TasksDefine, TasksExecute, ExportsRead, TokensManage, OrgsAdmin, OrgsCreate, MembersManage,
    ];
}
