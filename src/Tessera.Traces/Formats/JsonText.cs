using System.Globalization;
using System.Text.Json;

namespace Tessera.Traces.Formats;

/// <summary>Small readers of JSON values the adapters share: text from any value, integers, timestamps.</summary>
internal static class JsonText
{
    /// <summary>A string as itself; any other non-null value as its compact JSON; null or blank as null.</summary>
    public static string? Of(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        JsonValueKind.String => NullIfBlank(value.GetString()),
        _ => value.GetRawText(),
    };

    public static string? Property(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var value) ? Of(value) : null;

    public static bool TryNonNegativeInt(JsonElement obj, string name, out int result)
    {
        result = 0;
        return obj.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out result) && result >= 0;
    }

    /// <summary>ISO 8601 text (UTC unless it says otherwise) or Unix seconds; anything else is no timestamp.</summary>
    public static DateTimeOffset? Timestamp(JsonElement obj, string name)
    {
        if (!obj.TryGetProperty(name, out var value)) return null;
        if (value.ValueKind == JsonValueKind.String &&
            DateTimeOffset.TryParse(value.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
            return parsed;
        if (value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var seconds) && double.IsFinite(seconds) && seconds is >= 0 and < 253_402_300_800)
            return DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(seconds * 1000));
        return null;
    }

    /// <summary>The parser's reason without its line number, which is always 0 when one line is parsed on its own.</summary>
    public static string Describe(JsonException e)
    {
        var reason = e.Message;
        var cut = reason.IndexOf(" LineNumber:", StringComparison.Ordinal);
        if (cut > 0) reason = reason[..cut];
        return e.BytePositionInLine is { } at ? $"invalid JSON at byte {at + 1}: {reason}" : $"invalid JSON: {reason}";
    }

    private static string? NullIfBlank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text;
}
