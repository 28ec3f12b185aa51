using Tessera.Data;

namespace Tessera.Jobs.Storage;

/// <summary>The few SQL spellings that differ between the dialects.</summary>
internal static class Sql
{
    /// <summary>Locks one job row until the transaction ends (PostgreSQL); SQLite's write lock already serializes writers.</summary>
    public static string LockJob(SqlDialect dialect, string condition = "") => dialect == SqlDialect.Postgres
        ? $"SELECT state FROM jobs WHERE id = @id {condition} FOR UPDATE"
        : $"SELECT state FROM jobs WHERE id = @id {condition}";

    /// <summary>Wakes PostgreSQL workers when the transaction commits; nothing on SQLite (in-process wake-ups).</summary>
    public static string Notify(SqlDialect dialect, string payload) => dialect == SqlDialect.Postgres
        ? $"SELECT pg_notify('{JobChannels.Name}', '{payload}')"
        : "";
}

/// <summary>The PostgreSQL LISTEN/NOTIFY channel and its payloads.</summary>
internal static class JobChannels
{
    public const string Name = "tessera_jobs";
    public const string WorkPayload = "work";
    public const string CancelPayload = "cancel";
}
