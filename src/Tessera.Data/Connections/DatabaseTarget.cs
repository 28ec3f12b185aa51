using Npgsql;
using Tessera.Core.Errors;

namespace Tessera.Data;

/// <summary>
/// Where the data lives, parsed from the <c>--database</c> setting: a SQLite file path, a
/// <c>postgres://user:pass@host:port/db</c> URL, or an Npgsql key=value connection string.
/// </summary>
public sealed record DatabaseTarget(SqlDialect Dialect, string ConnectionString, string Display)
{
    public static DatabaseTarget Parse(string? value, string dataDir)
    {
        if (string.IsNullOrWhiteSpace(value))
            return Sqlite(Path.Combine(dataDir, "tessera.db"));
        value = value.Trim();
        if (value.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) ||
            value.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase))
            return FromPostgresUrl(value);
        if (value.Contains("Host=", StringComparison.OrdinalIgnoreCase))
        {
            var builder = new NpgsqlConnectionStringBuilder(value);
            return new DatabaseTarget(SqlDialect.Postgres, builder.ConnectionString, $"postgres://{builder.Host}:{builder.Port}/{builder.Database}");
        }
        if (value.StartsWith("sqlite:", StringComparison.OrdinalIgnoreCase))
            value = value["sqlite:".Length..];
        return Sqlite(Path.IsPathRooted(value) ? value : Path.GetFullPath(value));
    }

    private static DatabaseTarget Sqlite(string path) =>
        new(SqlDialect.Sqlite, Path.GetFullPath(path), $"sqlite:{Path.GetFullPath(path)}");

    private static DatabaseTarget FromPostgresUrl(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
            throw TesseraException.Validation($"'{Redact(url)}' is not a valid PostgreSQL URL; expected postgres://user:pass@host:port/database.");
        var database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'));
        if (database.Length == 0)
            throw TesseraException.Validation($"The PostgreSQL URL '{Redact(url)}' names no database; expected postgres://user:pass@host:port/database.");
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = uri.Host,
            Port = uri.IsDefaultPort || uri.Port <= 0 ? 5432 : uri.Port,
            Database = database,
        };
        var userInfo = uri.UserInfo.Split(':', 2);
        if (userInfo[0].Length > 0) builder.Username = Uri.UnescapeDataString(userInfo[0]);
        if (userInfo.Length == 2) builder.Password = Uri.UnescapeDataString(userInfo[1]);
        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var kv = pair.Split('=', 2);
            var key = Uri.UnescapeDataString(kv[0]);
            var val = kv.Length == 2 ? Uri.UnescapeDataString(kv[1]) : "";
            try
            {
                builder[key.Equals("sslmode", StringComparison.OrdinalIgnoreCase) ? "SSL Mode" : key] = val;
            }
            catch (ArgumentException e)
            {
                throw TesseraException.Validation($"Unknown PostgreSQL URL parameter '{key}': {e.Message}");
            }
        }
        return new DatabaseTarget(SqlDialect.Postgres, builder.ConnectionString, $"postgres://{builder.Host}:{builder.Port}/{builder.Database}");
    }

    private static string Redact(string url)
    {
        var at = url.IndexOf('@', StringComparison.Ordinal);
        var scheme = url.IndexOf("://", StringComparison.Ordinal);
        return at > 0 && scheme > 0 ? url[..(scheme + 3)] + "***" + url[at..] : url;
    }
}
