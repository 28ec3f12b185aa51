namespace Tessera.Traces.Formats;

/// <summary>Problem texts more than one adapter reports, worded once.</summary>
internal static class TraceProblems
{
    public static TraceProblem Overlong(int line, long length, int maxLineBytes) =>
        new(line, $"line is {length} bytes, longer than the {maxLineBytes}-byte cap on one entry; skipped");
}
