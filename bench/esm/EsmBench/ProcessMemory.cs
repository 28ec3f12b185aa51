namespace Tessera.Inference.Bench;

/// <summary>Resident-set figures from /proc (Linux). Writing 5 to clear_refs resets the peak (VmHWM) so load-time transients are not counted against a pass.</summary>
internal static class ProcessMemory
{
    public static long ResidentBytes() => StatusKilobytes("VmRSS:") * 1024;

    public static long PeakResidentBytes() => StatusKilobytes("VmHWM:") * 1024;

    public static void ResetPeak()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
        }
        catch (IOException)
        {
            // Not Linux or not permitted: the peak then includes loading.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static long StatusKilobytes(string key)
    {
        if (!File.Exists("/proc/self/status")) return 0;
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith(key, StringComparison.Ordinal))
                return long.Parse(line[key.Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
        }
        return 0;
    }
}
