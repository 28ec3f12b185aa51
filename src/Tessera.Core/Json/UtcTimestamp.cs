using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Tessera.Core.Json;

/// <summary>
/// The one way Tessera writes an instant for clients: RFC 3339 in UTC with a <c>Z</c> and exactly six fractional
/// digits (microseconds, PostgreSQL's precision; SQLite's seventh digit is dropped), whatever the database or offset.
/// </summary>
public static class UtcTimestamp
{
    private const string Pattern = "yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'";

    public static string Format(DateTimeOffset instant) => instant.UtcDateTime.ToString(Pattern, CultureInfo.InvariantCulture);
}

/// <summary>Writes <see cref="DateTimeOffset"/> values as <see cref="UtcTimestamp"/>; reads any ISO 8601 instant.</summary>
public sealed class UtcTimestampJsonConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.GetDateTimeOffset();

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(UtcTimestamp.Format(value));
    }
}
