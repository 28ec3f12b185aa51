namespace Tessera.Jobs;

/// <summary>A page of a job's events, and whether the job was already terminal before the page was read (so no event can follow it).</summary>
public sealed record JobEventPage(IReadOnlyList<JobEvent> Events, bool JobWasTerminal);
