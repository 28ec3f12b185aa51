namespace Tessera.Jobs;

/// <summary>Filters for listing jobs; null means any. Newest first, at most <see cref="Limit"/>.</summary>
public sealed record JobListQuery(JobState? State = null, string? Kind = null, int Limit = 100);
