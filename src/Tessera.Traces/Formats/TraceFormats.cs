namespace Tessera.Traces.Formats;

/// <summary>
/// Every format adapter, found by name, and the <c>auto</c> choice by a file's path: the most specific claim wins
/// (a <c>.traj</c> is SWE-agent's, smolagents' <c>messages.jsonl</c> and <c>output/*.jsonl</c> are smolagents', any
/// other <c>.jsonl</c> is the seed's).
/// </summary>
internal static class TraceFormats
{
    public const string Auto = "auto";

    /// <summary>In the order <c>auto</c> asks them, most specific first.</summary>
    public static IReadOnlyList<ITraceFormat> All { get; } = [new SweAgentFormat(), new SmolagentsFormat(), new SeedJsonlFormat()];

    /// <summary>The names a source or the CLI may give, <c>auto</c> included.</summary>
    public static IReadOnlyList<string> Names { get; } = [Auto, .. All.Select(f => f.Name)];

    public static ITraceFormat? Find(string name) =>
        All.FirstOrDefault(f => string.Equals(f.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The adapter that reads <paramref name="relativePath"/> for a source of format <paramref name="formatName"/>; null when none claims it.</summary>
    public static ITraceFormat? For(string formatName, string relativePath)
    {
        if (!string.Equals(formatName, Auto, StringComparison.OrdinalIgnoreCase)) return Find(formatName);
        return All.FirstOrDefault(f => f.Claims(relativePath));
    }
}
