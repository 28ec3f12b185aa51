namespace Tessera.Data;

/// <summary>SQL that differs between the dialects.</summary>
public static class SqlFragments
{
    /// <summary>
    /// "column is one of the list parameter": Dapper expands <c>IN @list</c> for SQLite, but hands Npgsql the list as
    /// one array parameter, which PostgreSQL matches with <c>= ANY(@list)</c>.
    /// </summary>
    public static string InList(this SqlDialect dialect, string column, string parameter) =>
        dialect == SqlDialect.Postgres ? $"{column} = ANY(@{parameter})" : $"{column} IN @{parameter}";
}
