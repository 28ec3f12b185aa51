using System.Globalization;
using Microsoft.Extensions.Configuration;
using Tessera.Core.Errors;

namespace Tessera.Platform.Blobs;

/// <summary>
/// <c>blobs:sweep_interval_minutes</c> (how often the sweeper runs) and <c>blobs:sweep_grace_hours</c> (how old an
/// unreferenced blob must be before it goes: longer than any upload takes between storing its file and its row).
/// </summary>
public sealed record BlobSweepOptions
{
    public const string IntervalKey = "blobs:sweep_interval_minutes";
    public const string GraceKey = "blobs:sweep_grace_hours";

    public TimeSpan Interval { get; init; } = TimeSpan.FromHours(1);
    public TimeSpan Grace { get; init; } = TimeSpan.FromHours(24);

    public static BlobSweepOptions From(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var defaults = new BlobSweepOptions();
        return new BlobSweepOptions
        {
            Interval = Positive(configuration, IntervalKey, defaults.Interval, TimeSpan.FromMinutes),
            Grace = Positive(configuration, GraceKey, defaults.Grace, TimeSpan.FromHours),
        };
    }

    private static TimeSpan Positive(IConfiguration configuration, string key, TimeSpan fallback, Func<double, TimeSpan> unit)
    {
        var text = configuration[key];
        if (string.IsNullOrWhiteSpace(text)) return fallback;
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || value <= 0)
            throw TesseraException.Validation($"Setting '{key}' is '{text}', but must be a positive number.");
        return unit(value);
    }
}
