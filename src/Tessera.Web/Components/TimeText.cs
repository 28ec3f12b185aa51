using System.Globalization;

namespace Tessera.Web.Components;

/// <summary>How times and durations read on the pages: UTC, to the second, and durations in the largest sensible unit.</summary>
public static class TimeText
{
    public static string Utc(DateTimeOffset value) =>
        value.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    public static string Iso(DateTimeOffset value) =>
        value.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static string Duration(TimeSpan span)
    {
        if (span < TimeSpan.Zero) span = TimeSpan.Zero;
        if (span.TotalSeconds < 1) return string.Create(CultureInfo.InvariantCulture, $"{span.TotalMilliseconds:0} ms");
        if (span.TotalMinutes < 1) return string.Create(CultureInfo.InvariantCulture, $"{span.TotalSeconds:0.0} s");
        if (span.TotalHours < 1) return string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalMinutes} min {span.Seconds} s");
        return string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalHours} h {span.Minutes} min");
    }
}
