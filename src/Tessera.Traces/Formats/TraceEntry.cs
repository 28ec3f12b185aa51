namespace Tessera.Traces.Formats;

/// <summary>
/// One log entry a format adapter found in a file, before it is stored. <see cref="Iteration"/> and
/// <see cref="IdxInIteration"/> mean what the format's adapter documents; with the file's path relative to its
/// source they make the record id (<see cref="TraceRecordId"/>).
/// </summary>
/// <param name="Line">1-based line (or, for single-document formats, the 1-based step) the entry came from.</param>
/// <param name="Iteration">The entry's iteration (step, turn, task), as the format defines it.</param>
/// <param name="IdxInIteration">The entry's 0-based index within its iteration.</param>
/// <param name="Type">The entry's type as the format names it (e.g. <c>thought</c>, <c>final_answer</c>).</param>
/// <param name="Text">The text that is embedded, as the format's documented mapping builds it.</param>
/// <param name="Timestamp">When the entry was written, where the log says.</param>
internal sealed record TraceEntry(
    int Line,
    int Iteration,
    int IdxInIteration,
    string Type,
    string Text,
    DateTimeOffset? Timestamp);
