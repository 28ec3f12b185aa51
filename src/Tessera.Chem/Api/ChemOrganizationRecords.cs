using System.Text.Json.Nodes;
using Tessera.Chem.Access;
using Tessera.Chem.Executions;
using Tessera.Chem.Quotas;
using Tessera.Platform.Downloads;

namespace Tessera.Chem.Api;

/// <summary>
/// One quota: its <paramref name="Limit"/> (null: no limit), <paramref name="Source"/> "organization" when an
/// organization admin set it, else "default" (the deployment's), and the current use.
/// </summary>
internal sealed record ChemQuota(string Quota, long? Limit, string Source, double Used)
{
    public static ChemQuota From(QuotaStanding s) => new(s.Quota, s.Limit, s.SetByOrganization ? "organization" : "default", s.Used);
}

/// <summary>The organization's quotas; the CPU seconds per day start again from 0 at <paramref name="CpuDayEndsAt"/> (UTC midnight).</summary>
internal sealed record ChemQuotas(ChemQuota ConcurrentExecutions, ChemQuota CpuSecondsPerDay, ChemQuota StoredBytes, DateTimeOffset CpuDayEndsAt)
{
    public static ChemQuotas From(QuotaReport r) => new(ChemQuota.From(r.ConcurrentExecutions), ChemQuota.From(r.CpuSecondsPerDay), ChemQuota.From(r.StoredBytes), r.CpuDayEndsAt);
}

/// <summary>The organization's own quotas: each null takes the deployment's default, 0 is no limit.</summary>
internal sealed record ChemQuotaSettings(long? MaxConcurrentExecutions, long? CpuSecondsPerDay, long? MaxStoredBytes)
{
    public QuotaLimits ToLimits() => new() { MaxConcurrentExecutions = MaxConcurrentExecutions, CpuSecondsPerDay = CpuSecondsPerDay, MaxStoredBytes = MaxStoredBytes };
}

/// <summary>Who may execute a task in the organization: when <paramref name="Restricted"/>, only these roles and users (and admins); else every member.</summary>
internal sealed record ChemTaskPermissions(string Task, bool Restricted, IReadOnlyList<string> Roles, IReadOnlyList<Guid> Users)
{
    public static ChemTaskPermissions From(TaskAccess a) => new(a.Task, a.Restricted, a.Roles, a.Users);
}

/// <summary>Restricts a task to roles (owner, admin, member, viewer) and users (member ids); both empty lifts the restriction.</summary>
internal sealed record ChemTaskPermissionsUpdate(IReadOnlyList<string>? Roles, IReadOnlyList<Guid>? Users);

/// <summary>One event of an execution, numbered from 1 in order; <paramref name="Data"/> holds its timings and codes.</summary>
internal sealed record ChemExecutionEvent(int Seq, string Type, string Message, JsonNode? Data, DateTimeOffset At)
{
    public static ChemExecutionEvent From(ExecutionEvent e) => new(e.Seq, e.Type, e.Message, e.Data is null ? null : JsonNode.Parse(e.Data), e.CreatedAt);
}

/// <summary>One tool's output (stdout or stderr of one step) with a signed link to download it, valid until <paramref name="ExpiresAt"/>.</summary>
internal sealed record ChemExecutionLog(Guid Id, string Step, string Tool, string Stream, long SizeBytes, DateTimeOffset CreatedAt, string Url, DateTimeOffset ExpiresAt)
{
    public static ChemExecutionLog From(ExecutionLog log, SignedLink link) =>
        new(log.Id, log.Step, log.Tool, log.Stream, log.SizeBytes, log.CreatedAt, link.Url, link.ExpiresAt);
}
