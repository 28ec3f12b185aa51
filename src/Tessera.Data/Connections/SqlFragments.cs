using System.Text.Json;

namespace Tessera.Data;

/// <summary>SQL that differs between the dialects.</summary>
public static class SqlFragments
{
    /// <summary>
    /// "column is one of the list parameter", bound with <see cref="ListValue{T}"/> as a single parameter whatever the
    /// list's length: a native array that PostgreSQL matches with <c>= ANY(@list)</c>, a JSON array that SQLite reads
    /// with <c>json_each</c> (a parameter per element would hit SQLite's limit on variables).
    /// </summary>
    public static string InList(this SqlDialect dialect, string column, string parameter) => dialect == SqlDialect.Postgres
        ? $"{column} = ANY(@{parameter})"
        : $"{column} IN (SELECT value FROM json_each(@{parameter}))";

    /// <summary>The value to bind for <see cref="InList"/>. On SQLite ids are compared as the upper-case text they are stored as.</summary>
    public static object ListValue<T>(this SqlDialect dialect, IEnumerable<T> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (dialect == SqlDialect.Postgres) return values.ToArray();
        return JsonSerializer.Serialize(values.Select(v => v is Guid id ? (object)id.ToString().ToUpperInvariant() : v).ToArray());
    }
}
