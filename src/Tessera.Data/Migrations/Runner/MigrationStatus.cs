namespace Tessera.Data.Migrations;

public enum MigrationState
{
    /// <summary>Applied, and the script still has the checksum it was applied with.</summary>
    Applied,

    /// <summary>Known to this build, not yet applied.</summary>
    Pending,

    /// <summary>Applied, but the script's text has changed since: startup is refused.</summary>
    Modified,

    /// <summary>Applied by another (newer) build that this one does not know.</summary>
    Unknown,
}

public sealed record MigrationStatus(string Module, int Version, string Name, MigrationState State, DateTimeOffset? AppliedAt);

public sealed record MigrationReport(IReadOnlyList<MigrationStatus> Migrations)
{
    public bool IsCurrent => Migrations.All(m => m.State is MigrationState.Applied or MigrationState.Unknown);
    public IEnumerable<MigrationStatus> Pending => Migrations.Where(m => m.State == MigrationState.Pending);
    public IEnumerable<MigrationStatus> Modified => Migrations.Where(m => m.State == MigrationState.Modified);
}
