namespace Tessera.Data;

/// <summary>The SQL engines Tessera stores its data in.</summary>
public enum SqlDialect
{
    Sqlite,
    Postgres,
}
