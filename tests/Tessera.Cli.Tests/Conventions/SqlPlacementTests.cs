using System.Text.RegularExpressions;
using Tessera.Testing;

namespace Tessera.Cli.Tests.Conventions;

/// <summary>
/// SQL lives in storage classes: the data layer (Tessera.Data), a <c>Storage</c> or <c>Migrations</c> folder, or a class
/// named for its table rows (<c>…Store</c>, <c>…Repository</c>, <c>…Rows</c>, <c>…Records</c>). Services, endpoints
/// and commands call those classes.
/// </summary>
public partial class SqlPlacementTests
{
    /// <summary>Storage classes whose names do not say so, each with why it stays where it is.</summary>
    private static readonly Dictionary<string, string> Allowed = new(StringComparer.Ordinal)
    {
        // One query over the table and column a module registers: the class is that column's storage.
        ["src/Tessera.Platform/Blobs/ColumnBlobReferences.cs"] = "per-module blob reference column",
    };

    private static readonly string[] StorageSuffixes = ["Store.cs", "Repository.cs", "Rows.cs", "Records.cs"];

    [GeneratedRegex(@"\b(SELECT|INSERT INTO|DELETE FROM)\b|\bUPDATE \w+ SET\b")]
    private static partial Regex SqlStatement();

    [Fact]
    public void No_sql_outside_storage_classes()
    {
        var found = SourceTree.CSharpFiles()
            .Where(f => !IsStorage(f))
            .SelectMany(f => SourceTree.Matches(f, SqlStatement()))
            .ToList();
        Assert.True(found.Count == 0, "SQL outside storage classes (move it into the module's Storage folder):\n" + string.Join("\n", found));
    }

    [Fact]
    public void Every_allowed_file_exists_and_still_holds_sql()
    {
        foreach (var file in Allowed.Keys) Assert.NotEmpty(SourceTree.Matches(file, SqlStatement()));
    }

    private static bool IsStorage(string file) =>
        file.StartsWith("src/Tessera.Data/", StringComparison.Ordinal)
        || file.Contains("/Storage/", StringComparison.Ordinal)
        || file.Contains("/Migrations/", StringComparison.Ordinal)
        || StorageSuffixes.Any(s => file.EndsWith(s, StringComparison.Ordinal))
        || Allowed.ContainsKey(file);
}
