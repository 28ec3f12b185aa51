namespace Tessera.Jobs.Workers;

/// <summary>
/// A worker loop's view of a database outage: the wait before the next try doubles from the poll interval up to
/// a cap, and only the first failure and the first success after it are worth a log line, so a database that is
/// down for an hour costs two lines, not one stack trace a second. Used by one loop at a time.
/// </summary>
internal sealed class OutageBackoff(TimeSpan first, TimeSpan cap)
{
    private int _failures;

    /// <summary>Records a failed try: whether it starts an outage (log it), and how long to wait before the next.</summary>
    public (bool Started, TimeSpan Wait) Failed()
    {
        _failures++;
        var doublings = Math.Min(_failures - 1, 30);
        var wait = TimeSpan.FromTicks((long)Math.Min(cap.Ticks, first.Ticks * Math.Pow(2, doublings)));
        return (_failures == 1, wait);
    }

    /// <summary>Records a successful try: the number of failures of the outage it ends (0 when there was none).</summary>
    public int Succeeded()
    {
        var failures = _failures;
        _failures = 0;
        return failures;
    }
}
