using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Tessera.Core.Errors;

namespace Tessera.Guides.Screenshots;

/// <summary>
/// A screenshot request made canonical: its times in milliseconds, sorted, each once and within the video, and its
/// key, the hash of the job and those times, which names the request whatever order the times came in.
/// </summary>
internal sealed record Extraction(IReadOnlyList<long> TimestampsMs, string Key)
{
    public const int MaxTimestamps = 50;

    // Versioned so a change to what the key covers can never match a key made before it.
    private const string KeyPrefix = "guides.screenshots/1";

    /// <summary>
    /// The canonical request; a 422 <c>SCREENSHOT_REQUEST_INVALID</c> naming every problem when it is not valid. Without
    /// <paramref name="durationSeconds"/> the times are not checked against the video (a replay is looked up by key first).
    /// </summary>
    public static Extraction Parse(Guid jobId, IReadOnlyList<long>? timestampsMs, double? durationSeconds)
    {
        var durationMs = durationSeconds is { } seconds ? (long)Math.Floor(seconds * 1000) : long.MaxValue;
        var errors = new List<string>();
        if (timestampsMs is null || timestampsMs.Count == 0) errors.Add("timestamps_ms: name at least one time.");
        else if (timestampsMs.Count > MaxTimestamps) errors.Add($"timestamps_ms: at most {MaxTimestamps} times a request.");
        else
        {
            for (var i = 0; i < timestampsMs.Count; i++)
                if (timestampsMs[i] < 0 || timestampsMs[i] >= durationMs)
                    errors.Add(durationSeconds is null
                        ? $"timestamps_ms[{i}]: {timestampsMs[i]} is negative."
                        : $"timestamps_ms[{i}]: {timestampsMs[i]} is not within the video (0 to {durationMs - 1} ms).");
            errors.AddRange(timestampsMs.Select((t, i) => (t, i)).GroupBy(x => x.t).Where(g => g.Count() > 1)
                .Select(g => $"timestamps_ms[{string.Join(", ", g.Select(x => x.i))}]: {g.Key} is named more than once."));
        }
        if (errors.Count > 0)
            throw new TesseraException(GuidesErrorCodes.ScreenshotRequestInvalid, 422, "The screenshot request is not valid: " + string.Join(" ", errors))
            {
                Extensions = { ["errors"] = errors.ToArray() },
            };
        var sorted = timestampsMs!.Order().ToList();
        var canonical = $"{KeyPrefix}\n{jobId:D}\n{string.Join(",", sorted.Select(t => t.ToString(CultureInfo.InvariantCulture)))}";
        return new Extraction(sorted, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical))));
    }
}
