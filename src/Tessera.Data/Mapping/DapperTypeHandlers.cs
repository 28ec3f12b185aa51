using System.Data;
using System.Globalization;
using Dapper;
using Npgsql;

namespace Tessera.Data;

/// <summary>
/// Lets one Dapper mapping serve both dialects: PostgreSQL stores uuid and timestamptz natively, SQLite stores
/// ids and instants as sortable ISO text.
/// </summary>
internal static class DapperTypeHandlers
{
    private static int _registered;

    public static void Register()
    {
        if (Interlocked.Exchange(ref _registered, 1) == 1) return;
        SqlMapper.AddTypeHandler(new GuidHandler());
        SqlMapper.AddTypeHandler(new DateTimeOffsetHandler());
    }

    private sealed class GuidHandler : SqlMapper.TypeHandler<Guid>
    {
        public override void SetValue(IDbDataParameter parameter, Guid value)
        {
            if (parameter is NpgsqlParameter)
            {
                parameter.Value = value;
            }
            else
            {
                parameter.DbType = DbType.String;
                parameter.Value = value.ToString("D");
            }
        }

        public override Guid Parse(object value) => value switch
        {
            Guid g => g,
            string s => Guid.Parse(s),
            byte[] b => new Guid(b),
            _ => throw new DataException($"Cannot read {value.GetType().Name} as a Guid."),
        };
    }

    private sealed class DateTimeOffsetHandler : SqlMapper.TypeHandler<DateTimeOffset>
    {
        public override void SetValue(IDbDataParameter parameter, DateTimeOffset value)
        {
            if (parameter is NpgsqlParameter)
            {
                parameter.Value = value.ToUniversalTime();
            }
            else
            {
                parameter.DbType = DbType.String;
                parameter.Value = SqliteTime.Format(value);
            }
        }

        public override DateTimeOffset Parse(object value) => value switch
        {
            DateTimeOffset d => d,
            DateTime d => new DateTimeOffset(DateTime.SpecifyKind(d, DateTimeKind.Utc)),
            string s => DateTimeOffset.Parse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal),
            _ => throw new DataException($"Cannot read {value.GetType().Name} as a timestamp."),
        };
    }
}

/// <summary>The one text format SQLite columns hold instants in: UTC, fixed width, so text order is time order.</summary>
internal static class SqliteTime
{
    public static string Format(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);
}
