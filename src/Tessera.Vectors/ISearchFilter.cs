namespace Tessera.Vectors;

/// <summary>
/// Decides, during a search, which ids the caller may see. Implement it as a struct so the search is
/// specialized for it; <see cref="SearchFilters.Where"/> wraps a delegate when convenience beats speed.
/// </summary>
public interface ISearchFilter
{
    bool Allows(long id);
}

public static class SearchFilters
{
    /// <summary>A filter that admits the ids for which <paramref name="predicate"/> returns true.</summary>
    public static PredicateFilter Where(Func<long, bool> predicate) => new(predicate);

    /// <summary>A filter that admits exactly the ids in <paramref name="allowed"/>.</summary>
    public static SetFilter In(IReadOnlySet<long> allowed) => new(allowed);
}

/// <summary>Admits the ids a delegate accepts.</summary>
public readonly struct PredicateFilter(Func<long, bool> predicate) : ISearchFilter
{
    private readonly Func<long, bool> _predicate = predicate ?? throw new ArgumentNullException(nameof(predicate));

    public bool Allows(long id) => _predicate(id);
}

/// <summary>Admits the ids of a set, such as the rows one owner may see.</summary>
public readonly struct SetFilter(IReadOnlySet<long> allowed) : ISearchFilter
{
    private readonly IReadOnlySet<long> _allowed = allowed ?? throw new ArgumentNullException(nameof(allowed));

    /// <summary>The admitted ids: a small set is searched by looking each id up instead of scanning the index.</summary>
    internal IReadOnlySet<long> Allowed => _allowed;

    public bool Allows(long id) => _allowed.Contains(id);
}

/// <summary>Admits everything; the unfiltered search compiles to code without any filter check.</summary>
internal readonly struct AcceptAll : ISearchFilter
{
    public bool Allows(long id) => true;
}
