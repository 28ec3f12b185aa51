namespace Tessera.Chem.Quotas;

/// <summary>An organization's own quotas as stored: null takes the deployment's default (<c>chem:quota_*</c>); 0 is no limit.</summary>
internal sealed record QuotaLimits
{
    public long? MaxConcurrentExecutions { get; init; }
    public long? CpuSecondsPerDay { get; init; }
    public long? MaxStoredBytes { get; init; }
}

/// <summary>One quota as it applies now: its limit (null: none), whether the organization set it, and the current use.</summary>
internal sealed record QuotaStanding(string Quota, long? Limit, bool SetByOrganization, double Used);

/// <summary>Every quota of an organization, and when the CPU day ends (UTC midnight), when cpu_seconds_per_day starts again from 0.</summary>
internal sealed record QuotaReport(QuotaStanding ConcurrentExecutions, QuotaStanding CpuSecondsPerDay, QuotaStanding StoredBytes, DateTimeOffset CpuDayEndsAt);

/// <summary>The quota names problems and reports carry; clients branch on these, so they never change once shipped.</summary>
internal static class QuotaNames
{
    public const string ConcurrentExecutions = "concurrent_executions";
    public const string CpuSecondsPerDay = "cpu_seconds_per_day";
    public const string StoredBytes = "stored_bytes";
}
