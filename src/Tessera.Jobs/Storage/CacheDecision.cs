namespace Tessera.Jobs.Storage;

/// <summary>Whether a cacheable job can take a prior result, and if not, why not (recorded as a <c>cache</c> event).</summary>
internal sealed record CacheDecision(Guid? SourceId, string? SourceResult, string Reason)
{
    public const string Hit = "cache_hit";
    public const string NoPriorJob = "no_prior_job";
    public const string KindVersionChanged = "kind_version_changed";
    public const string PriorFailed = "prior_failed";
    public const string PriorCancelled = "prior_cancelled";
    public const string PriorInProgress = "prior_in_progress";

    public bool IsHit => SourceId is not null;

    /// <summary>Decides from the organization's earlier jobs with the same kind and input, newest first.</summary>
    public static CacheDecision From(IReadOnlyList<JobRow> priors, string signature)
    {
        var hit = priors.FirstOrDefault(p => p.InputSignature == signature && p.StateValue == JobState.Succeeded);
        if (hit is not null) return new CacheDecision(hit.CacheSourceId ?? hit.Id, hit.Result, Hit);
        var sameVersion = priors.FirstOrDefault(p => p.InputSignature == signature);
        return sameVersion?.StateValue switch
        {
            null when priors.Count == 0 => new CacheDecision(null, null, NoPriorJob),
            null => new CacheDecision(null, null, KindVersionChanged),
            JobState.Failed or JobState.Skipped => new CacheDecision(null, null, PriorFailed),
            JobState.Cancelled => new CacheDecision(null, null, PriorCancelled),
            _ => new CacheDecision(null, null, PriorInProgress),
        };
    }
}
