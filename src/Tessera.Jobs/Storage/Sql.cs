using Tessera.Data;

namespace Tessera.Jobs.Storage;

/// <summary>The few SQL spellings that differ between the dialects.</summary>
internal static class Sql
{
    /// <summary>A membership test against a list parameter: a native array on PostgreSQL, a JSON array on SQLite.</summary>
    public static string InList(SqlDialect dialect, string column, string parameter) => dialect == SqlDialect.Postgres
        ? $"{column} = ANY(@{parameter})"
        : $"{column} IN (SELECT value FROM json_each(@{parameter}))";

    /// <summary>The value to bind for <see cref="InList"/>.</summary>
    public static object ListValue(SqlDialect dialect, IEnumerable<string> values) => dialect == SqlDialect.Postgres
        ? values.ToArray()
        : System.Text.Json.JsonSerializer.Serialize(values.ToArray());

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
