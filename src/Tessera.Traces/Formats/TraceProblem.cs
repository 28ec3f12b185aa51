namespace Tessera.Traces.Formats;

/// <summary>A line (or step) an adapter skipped, with why; reported per source, never fatal.</summary>
internal sealed record TraceProblem(int Line, string Reason);
