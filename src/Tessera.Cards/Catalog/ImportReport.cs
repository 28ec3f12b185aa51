namespace Tessera.Cards.Catalog;

/// <summary>One catalog import and what it changed against the catalog before it.</summary>
internal sealed record ImportReport
{
    public const string Running = "running";
    public const string Completed = "completed";
    public const string Failed = "failed";

    public Guid Id { get; init; }
    public string Source { get; init; } = "";
    public string State { get; init; } = Running;

    /// <summary>Valid cards read from the file.</summary>
    public int Cards { get; init; }

    public int Added { get; init; }
    public int Changed { get; init; }
    public int Unchanged { get; init; }

    /// <summary>Cards of the catalog that the file no longer lists; deleted when the import completes.</summary>
    public int Removed { get; init; }

    /// <summary>Entries without an id or a name, skipped.</summary>
    public int Invalid { get; init; }

    public string? Error { get; init; }
    public DateTimeOffset StartedAt { get; init; }
    public DateTimeOffset? FinishedAt { get; init; }
}
